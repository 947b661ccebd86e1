package knock.client.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import knock.client.ClientException;
import knock.client.profile.Profile;
import knock.client.proxy.FdPass;
import knock.client.proxy.Relay;
import knock.client.send.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code knock proxy HOST PORT [STEP...]}: an ssh {@code ProxyCommand}. Knocks, connects to PORT (retrying
 * while the firewall opens), then relays stdin/stdout to the socket until both sides close; or, with
 * {@code --fdpass}, hands the socket to ssh and exits. stdout belongs to ssh: every diagnostic goes to stderr.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, version = "knock 0.1.0",
        usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Knocks on HOST, connects to PORT and relays stdin/stdout: an ssh ProxyCommand.",
            "Without a profile or STEPs for HOST it connects without knocking, so it can serve every host.",
        },
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:ok: the session ended (with --fdpass: the socket was handed to ssh)",
            "1:failure: network unreachable, port still closed after the timeout, relay failed",
            "2:bad input: malformed step, unresolvable name, bad profile file, bad usage",
            "3:missing privilege: an ICMP step needs CAP_NET_RAW or net.ipv4.ping_group_range",
        },
        footerHeading = "%nIn ~/.ssh/config:%n", footer = {
            "  Host fw",
            "      ProxyCommand knock proxy %%h %%p",
            "or, with no JVM left running for the session:",
            "      ProxyCommand knock proxy --fdpass %%h %%p",
            "      ProxyUseFdpass yes",
        })
final class ProxyCommand implements Callable<Integer>, QuickStart.Run {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    /** knock itself, whose options before the subcommand apply too; null when QuickStart made this command. */
    @ParentCommand
    KnockCommand parent;

    @Option(names = "--fdpass", description = "Pass the connected socket to ssh (ProxyUseFdpass yes) and exit.")
    boolean fdpass;

    @Option(names = "--timeout", paramLabel = "TIMEOUT",
            description = "How long to keep trying to connect after knocking (default: the profile's Wait, else 10s).")
    String timeout;

    @Parameters(index = "0", paramLabel = "HOST", description = "The host, as ssh's %%h.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "The port to connect to, as ssh's %%p.")
    String port;

    @Parameters(index = "2..*", paramLabel = "STEP", description = "Knocks to send instead of the profile's Sequence.")
    List<String> steps = List.of();

    @Override
    public Integer call() {
        return run(spec.commandLine().getErr());
    }

    @Override
    public int run(PrintWriter err) {
        common.inheriting(parent == null ? null : parent.common);
        Duration limit = KnockPlan.duration("--timeout", timeout);
        KnockPlan plan = KnockPlan.of(common, err, host, steps, KnockPlan.port(port), false);
        plan.knock(null);
        Duration wait = plan.profile().waitFor();
        Duration until = limit != null ? limit : wait.isPositive() ? wait : Profile.DEFAULT_WAIT;
        if (fdpass) {
            FdPass.handOver(plan.connectNative(until));
            return ExitCode.OK;
        }
        SocketChannel socket = plan.connect(until);
        try {
            new Relay(new FileInputStream(FileDescriptor.in).getChannel(),
                    new FileOutputStream(FileDescriptor.out).getChannel(), socket).run();
        } catch (IOException e) {
            throw ClientException.failure("relay with " + Target.text(plan.target().host()) + " port "
                    + plan.profile().port() + ": " + e.getMessage());
        }
        return ExitCode.OK;
    }
}
