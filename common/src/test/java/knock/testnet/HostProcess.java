package knock.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command left running in the background inside a host (a daemon, sshd, a flood), stopped by its PID
 * when the test network closes, if not before.
 *
 * <p>{@code ip netns exec} replaces itself with the command, so {@link #pid()} is the command's own PID.
 * Its stdout and stderr go together to a file (a pipe nobody reads would stall it); read them with
 * {@link #output()} when an assertion fails.
 */
public final class HostProcess implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path log;

    HostProcess(List<String> command, Process process, Path log) {
        this.command = List.copyOf(command);
        this.process = process;
        this.log = log;
    }

    /** The PID of the command. */
    public long pid() {
        return process.pid();
    }

    /** True while the command runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The command as given. */
    public List<String> command() {
        return command;
    }

    /** Everything the command wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read output of " + String.join(" ", command), e);
        }
    }

    /**
     * Asks the command to stop (SIGTERM to its PID), waits up to {@code grace}, then kills it and its
     * descendants by PID. Returns its exit status (128 + signal number when a signal ended it).
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            // Taken now: once the command is gone its children are reparented and no longer listed.
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    Commands.kill(process);
                }
            } catch (InterruptedException e) {
                Commands.kill(process);
                Thread.currentThread().interrupt();
            }
            // ProcessHandle checks the start time too, so a reused PID is never hit.
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Stops the command as {@link #stop(Duration)} with 1 s of grace and deletes its output file; idempotent. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(1));
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // A stray temp file is not worth failing a teardown for.
        }
    }
}
