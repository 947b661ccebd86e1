package knock.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import knock.client.ClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code knock HOST [STEP...]}: sends the host's knock sequence, and with {@code --wait} waits for the port. */
@Command(name = "knock", mixinStandardHelpOptions = true, version = "knock 0.1.0", subcommands = {ProxyCommand.class, CodeCommand.class},
        usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Sends HOST's knock sequence: from its profile, or the STEPs given.",
            "A STEP is PORT[/tcp|/udp] (a bare port is TCP; knockd's PORT:udp works too), or icmp[/SIZE]"
                    + " (an echo request with SIZE payload bytes, 56 by default).",
            "With ServerKey in HOST's profile, the knock is one UDP datagram signed with your ssh key"
                    + " (ssh-agent, or IdentityFile, default ~/.ssh/id_ed25519) and sealed to the server's key.",
        },
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok: knocked (with --wait: the port opened; as proxy: the session ended)",
            "1:failure: network unreachable, port still closed after --wait, connection or relay failed",
            "2:bad input: unknown host, malformed step, unresolvable name, bad profile file, bad or"
                    + " unusable key, bad usage",
            "3:missing privilege: an ICMP step needs CAP_NET_RAW or net.ipv4.ping_group_range",
        },
        footerHeading = "%nExamples:%n", footer = {
            "  knock fw && ssh fw",
            "  knock --wait=20s fw.example.org 7000/udp 8000/tcp 9000 icmp/64",
            "  ssh_config:  ProxyCommand knock proxy %%h %%p",
            "  knock code fw      (a time-derived knock, printed for another client)",
            "See knock proxy --help, knock code --help, and the profile format in the README."
        })
final class KnockCommand implements Callable<Integer>, QuickStart.Run {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--wait", arity = "0..1", paramLabel = "TIMEOUT", fallbackValue = "10s",
            description = "After knocking, wait until the guarded port accepts, up to TIMEOUT (default 10s)."
                    + " The profile's Wait sets a default.")
    String waitFor;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "The guarded port to wait for (default: the profile's Port, else 22).")
    String port;

    @Option(names = {"-d", "--delay"}, paramLabel = "DELAY",
            description = "Pause between knocks, e.g. 100ms (default: the profile's Delay, else none).")
    String delay;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST",
            description = "A Host of the profile file, or any name or address when STEPs are given.")
    String host;

    @Parameters(index = "1..*", paramLabel = "STEP", description = "Knocks to send instead of the profile's Sequence.")
    List<String> steps = List.of();

    @Override
    public Integer call() throws IOException {
        return run(spec.commandLine().getErr());
    }

    @Override
    public int run(PrintWriter err) throws IOException {
        if (host == null) {
            throw ClientException.usage("no HOST given (see 'knock --help')");
        }
        Duration pause = KnockPlan.duration("--delay", delay);
        Duration wait = KnockPlan.duration("--wait", waitFor);
        KnockPlan plan = KnockPlan.of(common, err, host, steps, KnockPlan.port(port), true);
        plan.knock(pause);
        Duration until = wait != null ? wait : plan.profile().waitFor();
        if (until.isPositive()) {
            plan.probe(until); // it answered: that was all we wanted from it
        }
        return ExitCode.OK;
    }
}
