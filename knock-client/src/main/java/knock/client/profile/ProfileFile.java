package knock.client.profile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import knock.config.ConfigException;
import knock.config.Durations;
import knock.config.TextFile;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;

/**
 * A parsed profile file, in the style of {@code ssh_config(5)}:
 * <pre>
 * # comments on their own line, or after a value
 * Host fw fw.example.org
 *     HostName 198.18.0.11
 *     KnockAddress 198.18.0.1          # where the knocks go
 *     Sequence 7000/tcp 8000/udp icmp/173
 *     Delay 100ms
 * Host *.example.org !bastion.example.org
 *     Sequence 7000 8000 9000
 * Host *
 *     AddressFamily inet
 * </pre>
 * Keywords are case-insensitive and take their value after spaces or {@code =}. Lines before the first
 * {@code Host} apply to every host. For each keyword the first value from a matching block wins. An unknown
 * keyword or a bad value anywhere in the file is an error when it is read, whichever host is asked for: a typo
 * must not leave a host knocking with the wrong sequence.
 */
public final class ProfileFile {


    private final String where;
    private final List<Block> blocks;

    /**
     * A Host block's values. In a HashMap, not an EnumMap: an EnumMap asks its enum for the constants by
     * reflection, and that first reflective call (method-handle accessors spun in the interpreter) was about 2 % of
     * every knock's start-up.
     */
    private record Block(HostPattern pattern, Map<Keyword, Object> values) {
    }

    /** A {@code SecretFile} value and the line that set it, so a bad secret blames that line. */
    private record Located(String value, String where) {
    }

    private ProfileFile(String where, List<Block> blocks) {
        this.where = where;
        this.blocks = blocks;
    }

    private static final String EITHER = "either a Sequence, or SecretFile, PortRange and Protocols (time-derived)";

    private static boolean timeDerived(Block block) {
        for (Keyword keyword : Keyword.TIME_DERIVED) { // a loop, not a stream: see knock.config.Digits
            if (block.values.containsKey(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** What a duration in a profile or on the command line looks like, for messages. */
    public static final String DURATION = "a duration such as 100ms, 10s, 2m";
    private static final Duration MAX_DURATION = Duration.ofHours(24);

    /**
     * Parses a duration as profiles and the command line write it ({@code 250ms}, {@code 10s}, {@code 2m}, bare
     * seconds), of at most a day.
     *
     * @param what names the value in the message, e.g. {@code Delay} or {@code --wait}
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static Duration duration(String what, String text) {
        try {
            return Durations.parse(text, MAX_DURATION);
        } catch (Durations.Invalid e) {
            throw new IllegalArgumentException(what + " '" + text + "' (expected: " + DURATION + ", at most 24h)");
        }
    }

    /** A file with no blocks, for a user who has none. */
    public static ProfileFile none(String where) {
        return new ProfileFile(where, List.of());
    }

    /**
     * Reads and checks {@code file}; {@code where} names it in messages.
     *
     * @param required whether a missing file is an error ({@code -F}) or just no profiles (the default path)
     * @throws ConfigException naming {@code where} (and the line) and what was expected
     */
    public static ProfileFile read(Path file, String where, boolean required) {
        String what = "a profile file";
        if (required) {
            return parse(where, TextFile.lines(file, where, what));
        }
        return TextFile.linesIfExists(file, where, what).map(lines -> parse(where, lines)).orElseGet(() -> none(where));
    }

    /** Parses the lines of a profile file; {@code where} names it in messages. */
    public static ProfileFile parse(String where, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        Block current = null;
        for (int i = 0; i < lines.size(); i++) {
            String at = where + ":" + (i + 1);
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            int end = 0;
            while (end < line.length() && !Character.isWhitespace(line.charAt(end)) && line.charAt(end) != '=') {
                end++;
            }
            String word = line.substring(0, end);
            String value = line.substring(end).strip();
            if (value.startsWith("=")) {
                value = value.substring(1).strip();
            }
            if (word.equalsIgnoreCase("Host")) {
                if (value.isEmpty()) {
                    throw new ConfigException(at, "Host without patterns (expected: Host PATTERN...)");
                }
                current = new Block(new HostPattern(List.of(value.split("\\s+"))), new HashMap<>());
                blocks.add(current);
                continue;
            }
            Keyword keyword = Keyword.of(word);
            if (keyword == null) {
                throw new ConfigException(at, "unknown keyword '" + word + "' (expected one of: " + Keyword.all() + ")");
            }
            if (value.isEmpty()) {
                throw new ConfigException(at, keyword.display + " without a value (expected: " + keyword.expected + ")");
            }
            Object parsed;
            try {
                parsed = keyword.parse(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at, e.getMessage());
            }
            if (keyword == Keyword.SECRET_FILE) {
                parsed = new Located((String) parsed, at);
            }
            if (current == null) {
                // ssh_config: what comes before the first Host applies to every host
                current = new Block(new HostPattern(List.of("*")), new HashMap<>());
                blocks.add(current);
            }
            if (keyword == Keyword.SEQUENCE ? timeDerived(current) : Keyword.TIME_DERIVED.contains(keyword)
                    && current.values.containsKey(Keyword.SEQUENCE)) {
                throw new ConfigException(at, keyword.display + " and " + (keyword == Keyword.SEQUENCE ? "SecretFile, "
                        + "PortRange, Protocols or Period" : "Sequence") + " in one Host block (expected: " + EITHER
                        + ")");
            }
            current.values.putIfAbsent(keyword, parsed);
        }
        return new ProfileFile(where, List.copyOf(blocks));
    }

    /**
     * Cuts a comment: a {@code #} that starts the line or follows a space, tab or {@code =}, as OpenSSH's
     * {@code argv_split} ends a config line at a {@code #} that starts a word. No value holds such a {@code #}
     * (host names, steps, durations never do), so {@code Port 22  # the guarded port} is {@code Port 22}.
     */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || " \t=".indexOf(line.charAt(i - 1)) >= 0)) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Where this file is, as messages name it. */
    public String where() {
        return where;
    }

    /**
     * The profile of {@code host}: per keyword, the first value of a block whose patterns match. A fixed
     * {@code Sequence} and a time-derived knock exclude each other: the first matching block that has either
     * decides, and the other kind's keywords from later blocks are left out.
     *
     * @throws ConfigException when the host's time-derived knock lacks a part
     */
    @SuppressWarnings("unchecked")
    public Profile lookup(String host) {
        Map<Keyword, Object> values = new HashMap<>();
        Boolean derived = null;
        for (Block block : blocks) {
            if (block.pattern.matches(host)) {
                if (derived == null && (timeDerived(block) || block.values.containsKey(Keyword.SEQUENCE))) {
                    derived = timeDerived(block);
                }
                boolean timeDerived = Boolean.TRUE.equals(derived);
                block.values.forEach((k, v) -> {
                    if (k == Keyword.SEQUENCE ? !timeDerived : !Keyword.TIME_DERIVED.contains(k) || timeDerived) {
                        values.putIfAbsent(k, v);
                    }
                });
            }
        }
        Profile d = Profile.empty(host);
        return new Profile(host,
                (String) values.getOrDefault(Keyword.HOST_NAME, d.hostName()),
                (String) values.get(Keyword.KNOCK_ADDRESS),
                (List<Step>) values.getOrDefault(Keyword.SEQUENCE, d.steps()),
                (Duration) values.getOrDefault(Keyword.DELAY, d.delay()),
                (AddressFamily) values.getOrDefault(Keyword.ADDRESS_FAMILY, d.family()),
                (Integer) values.getOrDefault(Keyword.PORT, d.port()),
                (Duration) values.getOrDefault(Keyword.WAIT, d.waitFor()),
                signed(host, values), Boolean.TRUE.equals(derived) ? timeDerived(host, values) : null);
    }

    /** The host's signed knock: set by ServerKey; SpaPort, SpaSequence and IdentityFile only refine it. */
    private SignedKnock signed(String host, Map<Keyword, Object> values) {
        byte[] serverKey = (byte[]) values.get(Keyword.SERVER_KEY);
        if (serverKey == null) {
            for (Keyword k : List.of(Keyword.SPA_PORT, Keyword.SPA_SEQUENCE, Keyword.IDENTITY_FILE, Keyword.SPA_ADMIT)) {
                if (values.containsKey(k)) {
                    throw new ConfigException(where, "host " + host + ": " + k.display + " without ServerKey "
                            + "(expected: ServerKey, the server's public key, to sign knocks)");
                }
            }
            return null;
        }
        return new SignedKnock(serverKey, (Integer) values.getOrDefault(Keyword.SPA_PORT, SignedKnock.DEFAULT_PORT),
                (String) values.getOrDefault(Keyword.SPA_SEQUENCE, SignedKnock.DEFAULT_SEQUENCE),
                (String) values.get(Keyword.IDENTITY_FILE),
                values.get(Keyword.SPA_ADMIT) instanceof java.net.InetAddress a ? a : null);
    }

    private TimeDerivedProfile timeDerived(String host, Map<Keyword, Object> values) {
        for (Keyword needed : List.of(Keyword.SECRET_FILE, Keyword.PORT_RANGE, Keyword.PROTOCOLS)) {
            if (!values.containsKey(needed)) {
                Keyword has = Keyword.TIME_DERIVED.stream().filter(values::containsKey).findFirst().orElseThrow();
                throw new ConfigException(where, "Host " + host + " has " + has.display + " but no " + needed.display
                        + " (expected: SecretFile, PortRange and Protocols together, as the server's secret-file, "
                        + "port-range and protocols)");
            }
        }
        Located secret = (Located) values.get(Keyword.SECRET_FILE);
        PortRange range = (PortRange) values.get(Keyword.PORT_RANGE);
        @SuppressWarnings("unchecked")
        List<Protocol> protocols = (List<Protocol>) values.get(Keyword.PROTOCOLS);
        try {
            TimeDerivedSteps.checkRange(range, protocols.size());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "Host " + host + ": " + e.getMessage());
        }
        return new TimeDerivedProfile(secret.value(), secret.where(), where, range, protocols,
                (Duration) values.getOrDefault(Keyword.PERIOD, TimeDerivedSteps.DEFAULT_PERIOD));
    }
}
