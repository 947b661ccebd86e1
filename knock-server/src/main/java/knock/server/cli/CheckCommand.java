package knock.server.cli;

import java.util.concurrent.Callable;

import knock.config.SequenceConfig;
import knock.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code knock-server check}: validates the config and says what it describes, one line per sequence. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks the config; prints one line per sequence, or the first error as file:line.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the config is good", "2:bad usage or bad config"})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        ServerConfig read = config.read();
        var out = spec.commandLine().getOut();
        for (SequenceConfig s : read.sequences()) {
            out.println("sequence " + s.name() + ": " + s.sequence().steps() + " -> port " + s.guardPort()
                    + " lists " + s.list4() + "/" + s.list6() + " window " + knock.config.Setting.text(s.window()));
        }
        out.println(read.source() + ": ok");
        out.flush();
        return 0;
    }
}
