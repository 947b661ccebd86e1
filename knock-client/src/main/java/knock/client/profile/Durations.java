package knock.client.profile;

import java.time.Duration;
import java.util.Locale;

/** Durations as profiles and the command line write them: {@code 250ms}, {@code 10s}, {@code 2m}, bare seconds. */
public final class Durations {

    /** What {@link #parse} accepts, for messages. */
    public static final String EXPECTED = "a duration such as 100ms, 10s, 2m";

    private static final Duration MAX = Duration.ofHours(24);

    private Durations() {
    }

    /**
     * Parses a duration of at most a day.
     *
     * @param what names the value in the message, e.g. {@code Delay}
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static Duration parse(String what, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        if (split == 0 || split > 9) {
            throw bad(what, text);
        }
        long n = Long.parseLong(t.substring(0, split));
        Duration d = switch (t.substring(split)) {
            case "ms" -> Duration.ofMillis(n);
            case "", "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw bad(what, text);
        };
        if (d.compareTo(MAX) > 0) {
            throw bad(what, text);
        }
        return d;
    }

    /** A duration the way a user writes it: {@code 10s}, {@code 250ms}, {@code 1.5s}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static IllegalArgumentException bad(String what, String text) {
        return new IllegalArgumentException(what + " '" + text + "' (expected: " + EXPECTED + ", at most 24h)");
    }
}
