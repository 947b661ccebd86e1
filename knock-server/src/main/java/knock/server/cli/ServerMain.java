package knock.server.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

import knock.KnockException;
import knock.cli.FailureLine;
import knock.server.daemon.Daemon;
import knock.server.recent.RecentList;

/**
 * Entry point of {@code knock-server}; the only place that calls {@link System#exit}.
 *
 * <p>The daemon's own command line ({@code knock-server [--config FILE]}, what systemd runs) starts the daemon
 * without picocli: picocli builds its model by reflection at every start (about 170 classes of its own, which
 * the JVM's AOT cache cannot hold, annotation proxies, method handles spun at run time), and that stays in the
 * idle daemon's memory for days (about 3 MiB of metaspace, compiled code and heap). Everything else, and any
 * form of the daemon's line this does not take, is picocli's: help, usage errors and subcommands keep its
 * behaviour. {@code ServerMainTest} holds both paths to the same config file. No method of this class names a
 * picocli type: the launcher looks up {@code main} among all of them, and that loads every type they name.
 */
public final class ServerMain {

    private static final String NAME = "knock-server";
    private static final Set<String> SUBCOMMANDS = Set.of("rules", "check", "status", "keygen", "help");

    private ServerMain() {
    }

    public static void main(String[] args) {
        Path config = daemonConfig(args);
        System.exit(config != null ? runDaemon(config, System.err) : ServerCommandLine.commandLine().execute(args));
    }

    /**
     * The config file of a plain daemon command line: no arguments, {@code --config FILE}, {@code -c FILE} or
     * {@code --config=FILE}; {@code null} for anything else (picocli parses it then, whatever it is: a
     * subcommand, help, a clustered or repeated option, a value that looks like an option, an {@code @file}).
     */
    static Path daemonConfig(String[] args) {
        String value;
        if (args.length == 0) {
            value = ConfigOption.DEFAULT;
        } else if (args.length == 2 && (args[0].equals("--config") || args[0].equals("-c"))) {
            value = args[1];
            if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@' || SUBCOMMANDS.contains(value)) {
                return null;
            }
        } else if (args.length == 1 && args[0].startsWith("--config=") && args[0].length() > "--config=".length()) {
            value = args[0].substring("--config=".length());
        } else {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null; // picocli's own message for it
        }
    }

    /**
     * Runs the daemon until it stops, as {@link ServerCommand} under picocli's {@code execute} with knock's error
     * handler would: a {@link KnockException} is its one line and exit code, anything else a bug with its trace.
     */
    static int runDaemon(Path config, PrintStream err) {
        try {
            Daemon daemon = Daemon.start(config, RecentList.DEFAULT_DIRECTORY);
            daemon.awaitStop();
            return 0;
        } catch (Exception e) {
            return FailureLine.report(NAME, e, new PrintWriter(err, true, err.charset()));
        }
    }
}
