package knock.cli;

import java.io.PrintWriter;

import knock.KnockException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure of a command into one line on stderr, led by the program's name, as tailscale's
 * {@code main} and picocli's "business logic exceptions" example do:
 * <pre>
 *   knock-server: Invalid value for option '--family': 5 (expected: 4 or 6) (see 'knock-server rules --help')
 *   knock-server: knock.conf:12: step port 70000 (expected: 1-65535)
 * </pre>
 * A usage error (picocli could not parse the command line, or an option's value did not convert) ends with a
 * pointer to the subcommand's {@code --help} instead of the whole usage text, exit 2; a {@link KnockException}
 * carries its own message and exit code; anything else is a bug, named as one, with its stack trace for the
 * report, exit 1. The program's name is the root command's, so both binaries install the same handler.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    private ErrorHandler() {
    }

    /** Installs the handler on {@code cmd} and on the subcommands it has by then: call it once the tree is built. */
    public static CommandLine install(CommandLine cmd) {
        ErrorHandler handler = new ErrorHandler();
        cmd.setParameterExceptionHandler(handler);
        cmd.setExecutionExceptionHandler(handler);
        return cmd;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        return say(cmd, ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')",
                KnockException.USAGE);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        return FailureLine.report(program(cmd), ex, cmd.getErr());
    }

    private static int say(CommandLine cmd, String message, int exitCode) {
        PrintWriter err = cmd.getErr();
        err.println(program(cmd) + ": " + message);
        err.flush();
        return exitCode;
    }

    /** The root command's name: {@code knock} or {@code knock-server}. */
    private static String program(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommandName();
    }
}
