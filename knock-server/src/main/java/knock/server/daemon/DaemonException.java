package knock.server.daemon;

import knock.KnockException;

/** The daemon cannot start or go on: a missing capability, list file or socket. Exit code 1. */
public final class DaemonException extends KnockException {

    public DaemonException(String message) {
        super(message, FAILURE, null);
    }

    public DaemonException(String message, Throwable cause) {
        super(message, FAILURE, cause);
    }
}
