package knock.testnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a command to completion with a hard deadline, feeding it stdin and collecting both outputs.
 *
 * <p>Outputs are drained on virtual threads while the process runs, so a chatty command cannot block on a
 * full pipe. A command past its deadline is killed by its PID (and its descendants by theirs), never by
 * name.
 */
final class Commands {
    private Commands() {
    }

    static ExecResult run(List<String> fullCommand, List<String> shownCommand, byte[] stdin, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(fullCommand).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", fullCommand) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The command exited without reading its input; its exit status and stderr tell why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IllegalStateException(String.join(" ", fullCommand) + ": still running after "
                        + timeout + ", killed pid " + process.pid());
            }
            return new ExecResult(shownCommand, process.exitValue(),
                    out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", fullCommand), e);
        } catch (ExecutionException | TimeoutException e) {
            // A descendant still holds the pipes open: the command itself is done, its output is not.
            kill(process);
            throw new IllegalStateException(String.join(" ", fullCommand) + ": output not closed within 2 s"
                    + " after exit (a background child?)", e);
        }
    }

    /** Kills the process and everything it started, each by PID; waits up to 2 s for it to go. */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
