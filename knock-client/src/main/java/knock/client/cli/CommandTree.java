package knock.client.cli;

import java.time.InstantSource;
import java.util.Map;

import knock.cli.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * picocli's command tree of {@code knock}, with knock's error handler. Apart from {@link KnockMain} so that
 * linking the main class needs no picocli type: its factory's interface, checked when the main class was linked,
 * opened picocli's jar at every start, quick path or not.
 */
final class CommandTree {

    private CommandTree() {
    }

    /** The tree, reading the environment from {@code env} and time-derived knocks' time from {@code clock}. */
    static CommandLine of(Map<String, String> env, InstantSource clock) {
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
