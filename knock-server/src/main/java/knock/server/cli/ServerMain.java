package knock.server.cli;

import java.io.PrintWriter;

import knock.KnockException;
import picocli.CommandLine;

/** Entry point of {@code knock-server}; the only place that calls {@link System#exit}. */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with knock's error handling, as {@code main} runs it; tests execute it with captured writers. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ServerCommand());
        cmd.setExecutionExceptionHandler(ServerMain::oneLine);
        return cmd;
    }

    private static int oneLine(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (e instanceof KnockException k) {
            err.println("knock-server: " + k.getMessage());
            err.flush();
            return k.exitCode();
        }
        // Not ours: a bug. Say so on one line, keep the trace for a bug report.
        err.println("knock-server: internal error: " + e);
        e.printStackTrace(err);
        err.flush();
        return KnockException.FAILURE;
    }
}
