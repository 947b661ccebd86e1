package knock.client;

import knock.KnockException;

/**
 * A failure of the {@code knock} client, already phrased as the one line the user reads, with the exit code
 * the command ends with. Made through the factories, which name the class of failure:
 * {@link #usage} (exit 2), {@link #failure} (exit 1) and {@link #privilege} (exit 3).
 */
public final class ClientException extends KnockException {

    /** Exit code when a needed privilege is missing, e.g. CAP_NET_RAW for an ICMP step. */
    public static final int PRIVILEGE = 3;

    private ClientException(String message, int exitCode, Throwable cause) {
        super(message, exitCode, cause);
    }

    /** Bad input: an unknown host, a malformed step, a name that does not resolve. Exit code 2. */
    public static ClientException usage(String message) {
        return new ClientException(message, USAGE, null);
    }

    /** The job failed: network unreachable, the port stayed closed, the relay broke. Exit code 1. */
    public static ClientException failure(String message) {
        return new ClientException(message, FAILURE, null);
    }

    /** The job failed for the given reason. Exit code 1. */
    public static ClientException failure(String message, Throwable cause) {
        return new ClientException(message, FAILURE, cause);
    }

    /** A privilege is missing, and the message says which. Exit code 3. */
    public static ClientException privilege(String message) {
        return new ClientException(message, PRIVILEGE, null);
    }
}
