package knock.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import knock.client.ClientException;
import knock.client.profile.Profile;
import knock.client.profile.ProfileFile;
import knock.config.Durations;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code knock code HOST}: prints the host's time-derived knock of now, and how long the server takes it, for
 * typing into a client that sends only plain knocks (a phone app, knockd's {@code knock}). Reads the profile and
 * the secret; sends nothing, resolves nothing.
 */
@Command(name = "code", mixinStandardHelpOptions = true, version = "knock 0.1.0",
        usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Prints HOST's time-derived knock of now (its profile's SecretFile, PortRange, Protocols, Period), for"
                    + " another client to send, and how long the server takes it.",
            "The server takes the knock of the current time step and of the one before, once: whoever sends it"
                    + " first gets in, and it opens nothing again.",
        },
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok: printed",
            "2:bad input: no time-derived knock for HOST, bad profile file, bad or too open secret file",
        },
        footerHeading = "%nExample:%n", footer = {
            "  $ knock code fw",
            "  46712/udp 43213/tcp 48499/udp",
            "  valid for 47s (the next code in 17s), once",
            "  knockd's client: knock fw.example.org 46712:udp 43213 48499:udp",
        })
final class CodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    /** knock itself, whose options before the subcommand apply too; null when QuickStart made this command. */
    @ParentCommand
    KnockCommand parent;

    @Parameters(index = "0", paramLabel = "HOST", description = "A Host of the profile file with a time-derived knock.")
    String host;

    @Override
    public Integer call() {
        common.inheriting(parent == null ? null : parent.common);
        ProfileFile file = common.profileFile();
        Profile profile = file.lookup(host);
        if (profile.derived() == null) {
            throw ClientException.usage("no time-derived knock for '" + host + "' in " + file.where()
                    + " (expected: a Host block with SecretFile, PortRange and Protocols)");
        }
        TimeDerivedSteps derived = profile.derived().steps(common.home());
        long now = common.unixMillis();
        long step = derived.timeStep(now);
        PrintWriter out = spec.commandLine().getOut();
        out.println(derived.steps(step).stream().map(Step::toString).collect(Collectors.joining(" ")));
        // The server takes it while its time step is this one or the next: until the step after next begins.
        out.println("valid for " + seconds(derived.startMillis(step + 2) - now) + " (the next code in "
                + seconds(derived.startMillis(step + 1) - now) + "), once");
        if (common.verbose) {
            spec.commandLine().getErr().println("knock: time step " + step + ": " + derived);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** Whole seconds, rounded up: "valid for 1s" while any of it is left. */
    private static String seconds(long millis) {
        return Durations.text(java.time.Duration.ofSeconds((millis + 999) / 1000));
    }
}
