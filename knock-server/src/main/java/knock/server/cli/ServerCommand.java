package knock.server.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code knock-server}: the firewall side of knock; its subcommands do the work. */
@Command(name = "knock-server", mixinStandardHelpOptions = true, version = "knock-server 0.1.0",
        description = {"Hides a port (ssh) behind a port knock: watches knocks and manages the",
                "kernel's xt_recent lists, or prints the iptables ruleset that does the",
                "knock in the kernel alone."},
        subcommands = {RulesCommand.class, CheckCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (kernel, network, daemon)", "2:bad usage or bad config"})
final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand (expected: rules or check)");
    }
}
