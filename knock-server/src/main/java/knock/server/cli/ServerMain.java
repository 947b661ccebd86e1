package knock.server.cli;

import knock.cli.ErrorHandler;
import picocli.CommandLine;

/** Entry point of {@code knock-server}; the only place that calls {@link System#exit}. */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it: every failure one line ({@link ErrorHandler}), enum options in
     * any case ({@code --mode kernel}); tests execute it with captured writers.
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ServerCommand());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return ErrorHandler.install(cmd);
    }
}
