package knock.client.cli;

import java.util.Map;

import picocli.CommandLine;

/**
 * The entry point of {@code knock}. It runs before every ssh, so start-up is kept lean: no event loop, no
 * logging framework, and FFM only for the ICMP and fd-passing paths that need it.
 */
public final class KnockMain {

    private KnockMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The command tree, reading the environment from {@code env} (XDG_CONFIG_HOME, HOME), for tests too. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cmd = new CommandLine(new KnockCommand(env));
        cmd.addSubcommand("proxy", new CommandLine(new ProxyCommand(env)));
        ErrorHandler errors = new ErrorHandler();
        cmd.setExecutionExceptionHandler(errors);
        cmd.setParameterExceptionHandler(errors);
        return cmd;
    }
}
