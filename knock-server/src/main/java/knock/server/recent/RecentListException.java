package knock.server.recent;

import knock.KnockException;

/** A kernel list that could not be read or written; the message names the file and the cause. Exit code 1. */
public sealed class RecentListException extends KnockException permits MissingListException {

    public RecentListException(String message, Throwable cause) {
        super(message, FAILURE, cause);
    }
}
