package knock.server.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

import knock.config.Durations;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;

/**
 * One config key, declared once with its type, name, default and the text that tells a user what it takes.
 * Parsers throw {@link IllegalArgumentException} whose message names the value and the expectation; the reader
 * adds {@code file:line}.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {

    /**
     * The longest duration any key takes. xt_recent turns {@code --seconds} into jiffies in 32 bits, which wraps
     * above 2^32 / HZ seconds: about 198 days at HZ=250, 49.7 days at HZ=1000 (Ubuntu's kernels), and kernel mode
     * would then match the wrong entries; 49 days stays below on every HZ, and keeps every sum the daemon makes of nanosecond times (now + step-timeout per step + window + hold-off)
     * far from a {@code long}'s overflow.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(49);

    private static final Pattern LIST_NAME = Pattern.compile("[A-Za-z0-9_-]{1,24}");

    private final String key;
    private final T defaultValue;
    private final String expected;
    private final Function<String, T> parser;
    private final T empty;

    private Setting(String key, T defaultValue, String expected, Function<String, T> parser) {
        this(key, defaultValue, expected, parser, null);
    }

    /** @param empty what an empty value means, or {@code null} where an empty value is an error */
    private Setting(String key, T defaultValue, String expected, Function<String, T> parser, T empty) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.expected = expected;
        this.parser = parser;
        this.empty = empty;
    }

    public String key() {
        return key;
    }

    /** The value when the key is absent; {@code null} for a required key. */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return defaultValue == null;
    }

    /** What the key takes, for messages and docs, e.g. {@code a duration such as 90s, 5m}. */
    public String expected() {
        return expected;
    }

    T parse(String raw) {
        if (raw.isEmpty()) {
            if (empty != null) {
                return empty;
            }
            throw new IllegalArgumentException(key + ": empty value (expected: " + expected + ")");
        }
        return parser.apply(raw);
    }

    /**
     * A duration from {@code min} to {@link #MAX_DURATION}. A value out of that range names the range
     * ({@code hold-off 50d (expected: 0s-49d)}); one that is no duration at all names the syntax.
     */
    public static Setting<Duration> duration(String key, Duration defaultValue, Duration min) {
        return duration(key, defaultValue, min, MAX_DURATION);
    }

    /** A duration from {@code min} to {@code max} (at most {@link #MAX_DURATION}). */
    public static Setting<Duration> duration(String key, Duration defaultValue, Duration min, Duration max) {
        String expected = "a duration such as 500ms, 10s, 5m, 1h"
                + (min.isZero() ? "" : ", at least " + Durations.text(min));
        String range = Durations.text(min) + "-" + Durations.text(max);
        return new Setting<>(key, defaultValue, expected, raw -> {
            Duration d;
            try {
                d = Durations.parse(raw, max);
            } catch (Durations.Invalid e) {
                throw new IllegalArgumentException(key + " " + raw + " (expected: " + (e.outOfRange() ? range
                        : expected) + ")");
            }
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(key + " " + raw + " (expected: " + range + ")");
            }
            return d;
        });
    }

    public static Setting<Integer> integer(String key, Integer defaultValue, int min, int max) {
        String expected = "a whole number " + min + "-" + max;
        return new Setting<>(key, defaultValue, expected, raw -> {
            long v;
            try {
                v = Long.parseLong(raw.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " " + raw + " (expected: " + expected + ")");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + " " + raw + " (expected: " + expected + ")");
            }
            return (int) v;
        });
    }

    public static Setting<Boolean> bool(String key, boolean defaultValue) {
        String expected = "yes or no";
        return new Setting<>(key, defaultValue, expected, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw new IllegalArgumentException(key + " " + raw + " (expected: " + expected + ")");
        });
    }

    public static Setting<String> word(String key, String defaultValue, Pattern pattern, String expected) {
        return new Setting<>(key, defaultValue, expected, raw -> {
            if (!pattern.matcher(raw).matches()) {
                throw new IllegalArgumentException(key + " '" + raw + "' (expected: " + expected + ")");
            }
            return raw;
        });
    }

    /** An xt_recent list name: the file under /proc/net/xt_recent. */
    public static Setting<String> listName(String key, String defaultValue) {
        return word(key, defaultValue, LIST_NAME, "a list name of 1-24 letters, digits, '-' or '_'");
    }

    /**
     * Knock steps, at most {@code maxSteps} of them, ICMP payloads of at most {@code maxIcmpPayload} bytes.
     */
    public static Setting<List<Step>> steps(String key, int maxSteps, int maxIcmpPayload) {
        String expected = "one or more steps " + Step.SYNTAX + ", separated by spaces or commas";
        return new Setting<>(key, null, expected, raw -> {
            List<Step> steps = new ArrayList<>();
            for (String word : words(raw)) {
                Step step = Step.parse(word);
                if (step.protocol() == Protocol.ICMP && step.value() > maxIcmpPayload) {
                    throw new IllegalArgumentException("step " + step + " (expected: icmp/0-" + maxIcmpPayload
                            + ", an echo that crosses any link unfragmented)");
                }
                steps.add(step);
            }
            if (steps.size() > maxSteps) {
                throw new IllegalArgumentException(key + ": " + steps.size() + " steps (expected: at most " + maxSteps
                        + ")");
            }
            return List.copyOf(steps);
        });
    }

    /** Literal IPv4 or IPv6 addresses, never names: a config must not depend on DNS at boot. */
    public static Setting<List<InetAddress>> addresses(String key, List<InetAddress> defaultValue) {
        String expected = "one or more IPv4 or IPv6 addresses, separated by spaces or commas";
        return new Setting<>(key, defaultValue, expected, raw -> {
            List<InetAddress> addresses = new ArrayList<>();
            for (String word : words(raw)) {
                addresses.add(address(key, word, expected));
            }
            return List.copyOf(addresses);
        }, defaultValue == null ? null : List.of());
    }

    public static Setting<List<Cidr>> networks(String key) {
        String expected = "addresses or networks such as 203.0.113.7 or 2001:db8::/32, separated by spaces or commas";
        return new Setting<>(key, List.of(), expected, raw -> {
            List<Cidr> networks = new ArrayList<>();
            for (String word : words(raw)) {
                networks.add(Cidr.parse(key, word, expected));
            }
            return List.copyOf(networks);
        }, List.of());
    }

    public static Setting<List<String>> names(String key, List<String> defaultValue, Pattern pattern, String expected) {
        return new Setting<>(key, defaultValue, expected, raw -> {
            List<String> names = new ArrayList<>();
            for (String word : words(raw)) {
                if (!pattern.matcher(word).matches()) {
                    throw new IllegalArgumentException(key + " '" + word + "' (expected: " + expected + ")");
                }
                names.add(word);
            }
            return List.copyOf(names);
        }, List.of());
    }

    /** A port range {@code FIRST-LAST}, required where it is read (a time-derived sequence). */
    public static Setting<PortRange> portRange(String key) {
        return new Setting<>(key, null, PortRange.SYNTAX, PortRange::parse);
    }

    /** The protocols of a time-derived knock's steps, {@code udp tcp udp}; required where it is read. */
    public static Setting<List<Protocol>> protocols(String key) {
        return new Setting<>(key, null, TimeDerivedSteps.PROTOCOLS, TimeDerivedSteps::parseProtocols);
    }

    static InetAddress address(String key, String word, String expected) {
        try {
            return InetAddress.ofLiteral(word);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + word + "' (expected: " + expected + ")");
        }
    }

    static List<String> words(String raw) {
        List<String> words = new ArrayList<>();
        for (String w : raw.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

}
