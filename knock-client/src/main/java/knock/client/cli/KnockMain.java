package knock.client.cli;

import java.time.InstantSource;
import java.util.Map;

import knock.cli.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

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
        return commandLine(env, InstantSource.system());
    }

    /** As {@link #commandLine(Map)}, with the wall clock time-derived knocks follow (tests step it). */
    static CommandLine commandLine(Map<String, String> env, InstantSource clock) {
        return ErrorHandler.install(new CommandLine(KnockCommand.class, new Factory(env, clock)));
    }

    /** picocli's own factory, except that the shared options get the environment and the clock. */
    private record Factory(Map<String, String> env, InstantSource clock) implements IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return type == CommonOptions.class ? type.cast(new CommonOptions(env, clock))
                    : CommandLine.defaultFactory().create(type);
        }
    }
}
