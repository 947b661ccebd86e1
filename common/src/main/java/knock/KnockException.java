package knock;

/**
 * The root of knock's own failures: each carries the exit code its command ends with, and a message that is
 * already the one line a user reads (no stack trace for bad input). Commands turn it into that line at the edge.
 */
public abstract class KnockException extends RuntimeException {

    /** Exit code for a failure of the job itself (network, kernel, daemon). */
    public static final int FAILURE = 1;
    /** Exit code for bad usage or a bad config, as picocli's own usage errors. */
    public static final int USAGE = 2;

    private final int exitCode;

    protected KnockException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
