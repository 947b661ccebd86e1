package knock.server.cli;

import java.nio.file.Path;

import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every subcommand shares. */
final class ConfigOption {

    static final String DEFAULT = "/etc/knock/knock-server.conf";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT,
            description = "The server config (default: ${DEFAULT-VALUE}).")
    Path file;

    ServerConfig read() {
        return ServerConfigReader.read(file);
    }
}
