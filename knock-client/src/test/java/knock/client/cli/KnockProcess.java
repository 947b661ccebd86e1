package knock.client.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import knock.testnet.JavaCommand;

/**
 * Starts {@code knock} as its own JVM, as users and ssh do: {@code java --enable-native-access=ALL-UNNAMED -cp
 * <this test's class path> knock.client.cli.KnockMain ...}, optionally inside a network namespace. Until the
 * dist module builds a launcher this is the launcher of the tests.
 */
final class KnockProcess {

    static final Path JAVA = JavaCommand.JAVA;

    private KnockProcess() {
    }

    /** The command line; {@code jvmOptions} go before the class path (e.g. {@code -Djdk.net.hosts.file=...}). */
    static List<String> command(List<String> jvmOptions, String... args) {
        return JavaCommand.of(jvmOptions, KnockMain.class.getName(), args);
    }

    /** As {@link #command} run inside network namespace {@code netns} by {@code ip netns exec}. */
    static List<String> inNamespace(String netns, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        command.addAll(command(jvmOptions, args));
        return command;
    }

    /** The same command as one shell word list, for ssh's ProxyCommand. */
    static String shellLine(List<String> command) {
        StringBuilder sb = new StringBuilder();
        for (String word : command) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).start();
    }
}
