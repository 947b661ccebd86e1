package knock.client.cli;

import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.Map;

import picocli.CommandLine;

/**
 * The entry point of {@code knock}. It runs before every ssh, so start-up is kept lean: no event loop, no
 * logging framework, FFM only for the ICMP and fd-passing paths that need it, and picocli only for what
 * {@link QuickStart} leaves to it (help, version, {@code knock code}, unusual or wrong command lines).
 */
public final class KnockMain {

    private KnockMain() {
    }

    public static void main(String[] args) {
        int exit = run(args, System.getenv(), InstantSource.system(),
                new PrintWriter(System.err, true, System.err.charset()));
        // Success returns from main: System.exit logs through System.Logger (Runtime.exit's event, JDK 21+),
        // which looks up a LoggerFinder on the class path (reading every jar in lib/) before every ssh. The only
        // threads left are daemons (the relay's), as under System.exit.
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * Runs one command line, the plain ones without picocli ({@link QuickStart}), the rest through it.
     *
     * @param err where diagnostics go (help and version go to picocli's standard output)
     */
    static int run(String[] args, Map<String, String> env, InstantSource clock, PrintWriter err) {
        int exit = QuickStart.run(args, new CommonOptions(env, clock), err);
        return exit >= 0 ? exit : CommandTree.of(env, clock).setErr(err).execute(args);
    }

    /** The command tree, reading the environment from {@code env} (XDG_CONFIG_HOME, HOME), for tests too. */
    static CommandLine commandLine(Map<String, String> env) {
        return CommandTree.of(env, InstantSource.system());
    }

    /** As {@link #commandLine(Map)}, with the wall clock time-derived knocks follow (tests step it). */
    static CommandLine commandLine(Map<String, String> env, InstantSource clock) {
        return CommandTree.of(env, clock);
    }
}
