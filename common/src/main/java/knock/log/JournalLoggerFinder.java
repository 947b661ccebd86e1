package knock.log;

import java.io.PrintStream;
import java.lang.System.Logger.Level;

/**
 * Gives every {@link System.Logger} the journald line format. The threshold is process-wide and can change
 * at run time (a config reload may lower or raise it). Records go to stderr: in ProxyCommand mode stdout
 * belongs to ssh.
 */
public final class JournalLoggerFinder extends System.LoggerFinder {

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;

    @Override
    public System.Logger getLogger(String name, Module module) {
        // The JDK's and libraries' own loggers speak at warning and above only: their debug records
        // ("Runtime.exit() called") are not events of ours.
        return new JournalLogger(name, name.startsWith("knock") ? Level.ALL : Level.WARNING);
    }

    /** Sets the lowest level that is written. */
    public static void threshold(Level level) {
        threshold = level;
    }

    /** Reads a config's log-level word: debug, info, warning or error. */
    public static Level level(String word) {
        return switch (word) {
            case "debug" -> Level.DEBUG;
            case "warning" -> Level.WARNING;
            case "error" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    static boolean enabled(Level level, Level floor) {
        return level != Level.OFF && level.getSeverity() >= threshold.getSeverity()
                && level.getSeverity() >= floor.getSeverity();
    }

    /** Redirects records, for tests. */
    public static void output(PrintStream stream) {
        out = stream;
    }

    static PrintStream out() {
        return out;
    }
}
