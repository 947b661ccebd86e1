package knock.server.cli;

import java.util.concurrent.Callable;

import knock.config.Durations;
import knock.server.config.ConfigWarning;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code knock-server check}: validates the config and says what it describes, one line per sequence. Warnings
 * (steps that everyday traffic sends) go to stderr as {@code file:line: warning: ...} and do not fail the check:
 * what {@code check} accepts, the daemon runs.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks the config; prints one line per sequence, or the first error as file:line.",
                "Warns (file:line: warning: ..., on stderr, exit code 0) about knock steps that everyday traffic "
                        + "sends, such as icmp/56, what ping sends: an admitted user's ping to the box would "
                        + "count as a scan."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the config is good (warnings or not)", "2:bad usage or bad config"})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        ServerConfig read = config.read();
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        for (ConfigWarning warning : read.warnings()) {
            err.println("knock-server: " + warning);
        }
        err.flush();
        for (SequenceConfig s : read.sequences()) {
            String knock = s.signed() ? "signed knock to udp/" + s.spaPort()
                    : s.sequence().timeDerived() ? "time-derived " + s.sequence().derived()
                    : s.sequence().steps().toString();
            out.println("sequence " + s.name() + ": " + knock + " -> port " + s.guardPort()
                    + " lists " + s.list4() + "/" + s.list6() + " window " + Durations.text(s.window()));
        }
        if (read.spa() != null) {
            out.println("signed knocks: " + read.spa().keys().size() + " authorized keys, timestamps within "
                    + Durations.text(read.spa().maxAge()));
        }
        out.println(read.source() + ": ok" + (read.warnings().isEmpty() ? ""
                : " (" + read.warnings().size() + (read.warnings().size() == 1 ? " warning)" : " warnings)")));
        out.flush();
        return 0;
    }
}
