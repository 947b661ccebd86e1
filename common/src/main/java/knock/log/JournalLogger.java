package knock.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Writes one line per record: the sd-daemon(3) level prefix, then the message. A throwable adds its one-line
 * text, never a stack trace: a bug's trace belongs to the caller that knows it is a bug.
 */
final class JournalLogger implements System.Logger {

    private final String name;
    private final Level floor;

    JournalLogger(String name, Level floor) {
        this.name = name;
        this.floor = floor;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return JournalLoggerFinder.enabled(level, floor);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (!isLoggable(level)) {
            return;
        }
        write(level, thrown == null ? msg : msg + " error=\"" + thrown + "\"");
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (!isLoggable(level)) {
            return;
        }
        write(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }

    private static void write(Level level, String message) {
        // One println per record, so concurrent records never interleave within a line.
        JournalLoggerFinder.out().println(prefix(level) + message);
    }

    static String prefix(Level level) {
        return switch (level) {
            case ERROR -> "<3>";
            case WARNING -> "<4>";
            case INFO -> "<6>";
            default -> "<7>";
        };
    }
}
