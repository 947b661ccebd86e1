package knock.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as knock's files and command lines write them, for the server's config and the client's profiles
 * alike: {@code NUMBER[ms|s|m|min|h|d]}, a bare number being seconds. Parsing never overflows: a number too
 * long for a {@code long} is out of range, not garbage.
 */
public final class Durations {

    /** A duration that is no duration at all, or one out of the caller's range. */
    public static final class Invalid extends IllegalArgumentException {
        private final boolean outOfRange;

        Invalid(String text, boolean outOfRange) {
            super("'" + text + "' is " + (outOfRange ? "out of range" : "no duration"));
            this.outOfRange = outOfRange;
        }

        /** True for a well-formed duration beyond the bound, false for text that is no duration. */
        public boolean outOfRange() {
            return outOfRange;
        }
    }

    private Durations() {
    }

    /**
     * Parses {@code text} of at most {@code max}.
     *
     * @throws Invalid saying whether the text was no duration or out of range; callers word the message
     */
    public static Duration parse(String text, Duration max) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && t.charAt(split) >= '0' && t.charAt(split) <= '9') {
            split++;
        }
        if (split == 0) {
            throw new Invalid(text, false);
        }
        Duration unit = switch (t.substring(split)) {
            case "ms" -> Duration.ofMillis(1);
            case "", "s" -> Duration.ofSeconds(1);
            case "m", "min" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> throw new Invalid(text, false);
        };
        String digits = t.substring(0, split).replaceFirst("^0+(?=.)", "");
        // 18 digits always fit a long; more is beyond any bound here.
        if (digits.length() > 18 || Long.parseLong(digits) > max.dividedBy(unit)) {
            throw new Invalid(text, true);
        }
        return unit.multipliedBy(Long.parseLong(digits));
    }

    /** A duration the way a config writes it, exactly: {@code 90s}, {@code 5m}, {@code 500ms}, {@code 49d}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** A measured time for messages, to a tenth of a second: {@code 3s}, {@code 1.2s}, {@code 0.1s}. */
    public static String elapsed(long nanos) {
        long ms = nanos / 1_000_000;
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
