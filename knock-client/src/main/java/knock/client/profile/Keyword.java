package knock.client.profile;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import knock.config.Digits;
import knock.sequence.PortRange;
import knock.sequence.Sequence;
import knock.sequence.Step;
import knock.spa.SpaKeys;
import knock.sequence.TimeDerivedSteps;

/**
 * The keywords a profile block may hold, each with the parser for its value. Parsers throw
 * {@link IllegalArgumentException} naming the value and the expectation; {@link ProfileFile} adds
 * {@code file:line}.
 */
enum Keyword {
    /** The name or address to connect to and, unless {@code KnockAddress} says otherwise, to knock on. */
    HOST_NAME("HostName", "a host name or address") {
        @Override
        Object parse(String value) {
            return host(this, value);
        }
    },
    /** The name or address that receives the knocks, when it differs from the one sshd listens on. */
    KNOCK_ADDRESS("KnockAddress", "a host name or address") {
        @Override
        Object parse(String value) {
            return host(this, value);
        }
    },
    /** The steps, in order: {@code 7000/tcp 8000/udp icmp/173}; no more than a server takes. */
    SEQUENCE("Sequence", "one or more steps " + Step.SYNTAX + ", separated by spaces or commas") {
        @Override
        Object parse(String value) {
            List<Step> steps = new ArrayList<>();
            for (String word : value.split("[\\s,]+")) {
                if (!word.isEmpty()) {
                    steps.add(Step.parse(word));
                }
            }
            if (steps.size() > Sequence.MAX_STEPS) {
                throw new IllegalArgumentException(display + ": " + steps.size() + " steps (expected: at most "
                        + Sequence.MAX_STEPS + ", as knock-server takes)");
            }
            return List.copyOf(steps);
        }
    },
    /** The pause between two knocks. */
    DELAY("Delay", ProfileFile.DURATION) {
        @Override
        Object parse(String value) {
            Duration d = ProfileFile.duration(display, value);
            if (d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(display + " '" + value + "' (expected: at most 1m)");
            }
            return d;
        }
    },
    /** IPv4, IPv6, or whatever the name resolves to first. */
    ADDRESS_FAMILY("AddressFamily", AddressFamily.EXPECTED) {
        @Override
        Object parse(String value) {
            return AddressFamily.parse(value);
        }
    },
    /** The guarded port: where {@code --wait} polls and {@code proxy} connects by default. */
    PORT("Port", "a port 1-65535") {
        @Override
        Object parse(String value) {
            return port(this, value);
        }
    },
    /** Wait for the guarded port after knocking, up to this long; {@code no} not to. */
    WAIT("Wait", "no, yes (10s) or " + ProfileFile.DURATION) {
        @Override
        Object parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "no" -> Duration.ZERO;
                case "yes" -> Profile.DEFAULT_WAIT;
                default -> ProfileFile.duration(display, value);
            };
        }
    },
    /**
     * The server's public key for signed knocks ({@code knock-server keygen} prints it): with it the host gets
     * one signed datagram (SPA) instead of the Sequence.
     */
    SERVER_KEY("ServerKey", "the server's public key, 44 characters of base64 from knock-server keygen") {
        @Override
        Object parse(String value) {
            return SpaKeys.parse(display, value);
        }
    },
    /** The server's spa-port. */
    SPA_PORT("SpaPort", "a port 1-65535") {
        @Override
        Object parse(String value) {
            return port(this, value);
        }
    },
    /** The server's signed [sequence NAME] to open. */
    SPA_SEQUENCE("SpaSequence", "a sequence name of the server, such as ssh") {
        @Override
        Object parse(String value) {
            if (!SEQUENCE_NAME.matcher(value).matches()) {
                throw new IllegalArgumentException(display + " '" + value + "' (expected: " + expected + ")");
            }
            return value;
        }
    },
    /** The Ed25519 key that signs, as ssh's IdentityFile; ssh-agent signs when it holds this key. */
    IDENTITY_FILE("IdentityFile", "a key file such as ~/.ssh/id_ed25519") {
        @Override
        Object parse(String value) {
            return value;
        }
    },
    /**
     * Which address a signed knock asks the server to admit: {@code source} (default), the address its datagram
     * comes from as the server sees it (through NAT too), or an address literal, which binds the knock to it (a
     * copy raced from elsewhere admits nothing) and needs the key's {@code admit=} unless it is the source.
     */
    SPA_ADMIT("SpaAdmit", "source, or an IPv4 or IPv6 address") {
        @Override
        Object parse(String value) {
            if (value.equalsIgnoreCase("source")) {
                return SignedKnock.SOURCE;
            }
            try {
                return InetAddress.ofLiteral(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(display + " '" + value + "' (expected: " + expected + ")");
            }
        }
    },
    /** A time-derived knock's shared secret: the server's {@code secret-file}, base32, mode 600. */
    SECRET_FILE("SecretFile", "a file holding the secret in base32, mode 600 (~/ for the home directory)") {
        @Override
        Object parse(String value) {
            return value;
        }
    },
    /** The ports a time-derived knock is drawn from: the server's {@code port-range}. */
    PORT_RANGE("PortRange", PortRange.SYNTAX) {
        @Override
        Object parse(String value) {
            return PortRange.parse(value);
        }
    },
    /** The protocol of each step of a time-derived knock: the server's {@code protocols}. */
    PROTOCOLS("Protocols", TimeDerivedSteps.PROTOCOLS) {
        @Override
        Object parse(String value) {
            return TimeDerivedSteps.parseProtocols(value);
        }
    },
    /** How long one time step's knock is current: the server's {@code period}, 30s by default. */
    PERIOD("Period", "whole seconds, 2s-1h, as the server's period (default 30s)") {
        @Override
        Object parse(String value) {
            Duration period = ProfileFile.duration(display, value);
            TimeDerivedSteps.checkPeriod(period);
            return period;
        }
    };

    /**
     * The keywords of a time-derived knock, which a {@code Sequence} excludes (a list, not an EnumSet: see
     * {@link ProfileFile}'s blocks).
     */
    static final List<Keyword> TIME_DERIVED = List.of(SECRET_FILE, PORT_RANGE, PROTOCOLS, PERIOD);

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]{1,253}");
    private static final Pattern SEQUENCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,15}");

    /** The spelling used in docs and messages. */
    final String display;
    /** What the value takes, for messages. */
    final String expected;

    Keyword(String display, String expected) {
        this.display = display;
        this.expected = expected;
    }

    abstract Object parse(String value);

    /** The keyword spelled {@code word} in any case, or {@code null}. */
    static Keyword of(String word) {
        for (Keyword k : values()) {
            if (k.display.equalsIgnoreCase(word)) {
                return k;
            }
        }
        return null;
    }

    static String all() {
        return "Host, " + Arrays.stream(values()).map(k -> k.display).collect(Collectors.joining(", "));
    }

    private static int port(Keyword k, String value) {
        if (!Digits.upTo(value, 5)) {
            throw new IllegalArgumentException(k.display + " '" + value + "' (expected: " + k.expected + ")");
        }
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(k.display + " " + port + " (expected: 1-65535)");
        }
        return port;
    }

    private static String host(Keyword k, String value) {
        if (!HOST.matcher(value).matches()) {
            throw new IllegalArgumentException(k.display + " '" + value + "' (expected: " + k.expected + ")");
        }
        return value;
    }
}
