package knock.client.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The options {@code knock} and {@code knock proxy} share: the profile file, the address family, verbosity. */
final class CommonOptions {

    @Option(names = "-F", paramLabel = "FILE",
            description = "Profile file (default: $XDG_CONFIG_HOME/knock/config, else ~/.config/knock/config).")
    Path file;

    @Option(names = "-4", description = "IPv4 only: resolve, knock and connect over IPv4.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only: resolve, knock and connect over IPv6.")
    boolean ipv6;

    @Option(names = {"-v", "--verbose"}, description = "Show each knock (on stderr).")
    boolean verbose;
}
