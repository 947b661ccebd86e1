package knock.config;

import knock.KnockException;

/**
 * A config that cannot be used. The message leads with {@code file:line} (or just the file where no line is
 * to blame) and says the value and the expectation, e.g. {@code knock.conf:12: step port 70000 (expected:
 * 1-65535)}. Exit code 2.
 */
public final class ConfigException extends KnockException {

    public ConfigException(String where, String message) {
        super(where + ": " + message, USAGE, null);
    }

    public ConfigException(String where, String message, Throwable cause) {
        super(where + ": " + message, USAGE, cause);
    }
}
