package knock.cli;

import java.io.PrintWriter;

import knock.KnockException;

/**
 * How a command's failure reaches the user, written once for every path that runs a command: a
 * {@link KnockException} is one line, {@code PROGRAM: message}, and its own exit code; anything else is a bug,
 * named as one, with its stack trace for the report, exit 1. {@link ErrorHandler} uses it under picocli, and the
 * picocli-free quick paths ({@code knock}'s QuickStart, {@code knock-server}'s daemon command line) use it
 * directly: this class names no picocli type, so calling it loads none.
 */
public final class FailureLine {

    private FailureLine() {
    }

    /** Reports {@code failure} of {@code program} on {@code err} (flushed) and returns the exit code. */
    public static int report(String program, Exception failure, PrintWriter err) {
        int exitCode;
        if (failure instanceof KnockException k) {
            err.println(program + ": " + k.getMessage());
            exitCode = k.exitCode();
        } else {
            err.println(program + ": internal error: " + failure);
            failure.printStackTrace(err); // not bad input but a bug: the trace is what a report needs
            exitCode = KnockException.FAILURE;
        }
        err.flush();
        return exitCode;
    }
}
