package knock.client.cli;

import knock.KnockException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr, {@code knock: message}, and its exit code: a
 * {@link KnockException} carries both; a usage error is exit 2 with a pointer to {@code --help}. Never a stack
 * trace for bad input; an unexpected exception (a bug) still gets one line, with its class.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        if (ex instanceof KnockException k) {
            cmd.getErr().println("knock: " + k.getMessage());
            return k.exitCode();
        }
        cmd.getErr().println("knock: unexpected " + ex);
        return ExitCode.FAILURE;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("knock: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return ExitCode.USAGE;
    }
}
