package knock.sequence;

import knock.config.Digits;

/**
 * The ports a time-derived sequence draws its steps from, both ends included: {@code 40000-49999} in configs,
 * profiles and docs. The server's firewall copies every packet to the range (and its scan neighbours) to the
 * daemon, so a range is chosen where nothing else of the box listens.
 */
public record PortRange(int first, int last) {

    /** What {@link #parse} takes, for messages. */
    public static final String SYNTAX = "FIRST-LAST, ports 1-65535, such as 40000-49999";

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " (expected: " + SYNTAX + ")");
        }
    }

    /**
     * Parses {@code FIRST-LAST}.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static PortRange parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        if (dash <= 0 || dash == t.length() - 1 || !digits(t.substring(0, dash)) || !digits(t.substring(dash + 1))) {
            throw new IllegalArgumentException("port range '" + text + "' (expected: " + SYNTAX + ")");
        }
        return new PortRange(Integer.parseInt(t.substring(0, dash)), Integer.parseInt(t.substring(dash + 1)));
    }

    private static boolean digits(String s) {
        return Digits.upTo(s, 5);
    }

    /** How many ports the range holds. */
    public int size() {
        return last - first + 1;
    }

    /** Whether {@code port} lies within {@code distance} of the range (0: in it). */
    public boolean near(int port, int distance) {
        return port >= first - distance && port <= last + distance;
    }

    /** The text form {@link #parse} reads back. */
    @Override
    public String toString() {
        return first + "-" + last;
    }
}
