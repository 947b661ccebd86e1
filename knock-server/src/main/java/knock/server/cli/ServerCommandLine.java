package knock.server.cli;

import knock.cli.ErrorHandler;
import picocli.CommandLine;

/**
 * {@code knock-server}'s picocli command line, apart from {@link ServerMain} so that starting the daemon loads no
 * picocli class (the JVM resolves the types every method of a main class names when it looks up {@code main}).
 */
public final class ServerCommandLine {

    private ServerCommandLine() {
    }

    /**
     * The command line as {@code main} runs it: every failure one line ({@link ErrorHandler}), enum options in
     * any case ({@code --mode kernel}); tests and the build's man pages take it from here.
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ServerCommand());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return ErrorHandler.install(cmd);
    }
}
