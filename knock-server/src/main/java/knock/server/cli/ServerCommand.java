package knock.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import knock.server.daemon.Daemon;
import knock.server.recent.RecentList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code knock-server}: without a subcommand, runs the daemon in the foreground until SIGTERM (systemd does
 * the rest); SIGHUP rereads the config.
 */
@Command(name = "knock-server", mixinStandardHelpOptions = true, version = "knock-server 0.1.0",
        description = {"Hides a port (ssh) behind a port knock. Without a command it runs the",
                "daemon in the foreground: it watches knocks (TCP SYN, UDP, ICMP; IPv4 and",
                "IPv6) and keeps the kernel's xt_recent lists. SIGHUP rereads the config",
                "(a bad one is reported and the running one kept); SIGTERM stops it.",
                "Load the ruleset first: knock-server rules --config FILE | iptables-restore"},
        subcommands = {RulesCommand.class, CheckCommand.class, StatusCommand.class, KeygenCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (missing capability or list file, kernel, network)",
                "2:bad usage or bad config"})
final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        Daemon daemon = Daemon.start(config.file, RecentList.DEFAULT_DIRECTORY);
        daemon.awaitStop();
        return 0;
    }
}
