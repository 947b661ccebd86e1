package knock.config;

/**
 * The check every number in knock's configs and command lines passes before {@link Integer#parseInt}: one to a
 * few ASCII digits, so that a sign, a space, a non-ASCII digit (which {@code parseInt} would take) or a value too
 * long for an int is refused with the caller's own message instead. A loop, not {@code chars().allMatch}: the
 * client parses its profile before every ssh, and the first stream in a JVM costs a reflective call (streams
 * build an {@code EnumMap} of their flags) and some hundred classes initialised in the interpreter.
 */
public final class Digits {

    private Digits() {
    }

    /** Whether {@code text} is 1 to {@code max} ASCII digits. */
    public static boolean upTo(String text, int max) {
        if (text.isEmpty() || text.length() > max) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
