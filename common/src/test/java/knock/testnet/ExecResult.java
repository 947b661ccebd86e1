package knock.testnet;

import java.util.List;

/**
 * What a command run inside a host left behind: its exit code and its whole output, decoded as UTF-8.
 *
 * @param command  the command as given (without the {@code ip netns exec NAME} prefix)
 * @param exitCode the exit status
 * @param stdout   everything it wrote to stdout
 * @param stderr   everything it wrote to stderr
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** True when the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns this result if the command succeeded, else throws with the command, status and stderr. */
    public ExecResult orThrow() {
        if (!ok()) {
            throw new IllegalStateException(String.join(" ", command) + ": exit " + exitCode
                    + (stderr.isBlank() ? "" : ": " + stderr.strip()));
        }
        return this;
    }
}
