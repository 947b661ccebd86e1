package knock.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import knock.server.config.ServerConfigReader;
import knock.server.control.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code knock-server status}: asks the running daemon who is admitted and what it has counted. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the running daemon's admitted sources and counters.",
                "Per list: each admitted source with its time left; then the counters",
                "(knocks, admits, resets, scans, expiries, evictions, malformed packets)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the daemon cannot be reached", "2:bad usage or bad config"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = ConfigOption.DEFAULT,
            description = "The server config, for its control-socket (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: the config's control-socket).")
    Path socket;

    @Override
    public Integer call() {
        Path path = socket != null ? socket : Path.of(ServerConfigReader.read(config).daemon().controlSocket());
        spec.commandLine().getOut().print(ControlClient.send(path, "status"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
