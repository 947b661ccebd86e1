package knock.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated server config: the daemon's own settings and the sequences it watches.
 *
 * @param source the file it was read from, for messages
 */
public record ServerConfig(Path source, Daemon daemon, List<SequenceConfig> sequences) {

    public ServerConfig {
        sequences = List.copyOf(sequences);
    }

    /** The {@code [server]} section. */
    public record Daemon(List<String> interfaces, int maxSources, Duration duplicateGrace, String controlSocket,
                         String logLevel, int nflogGroup) {

        public Daemon {
            interfaces = List.copyOf(interfaces);
        }

        /** The section's defaults, for a config without {@code [server]}. */
        public static Daemon defaults() {
            return new Daemon(ServerSettings.INTERFACES.defaultValue(), ServerSettings.MAX_SOURCES.defaultValue(),
                    ServerSettings.DUPLICATE_GRACE.defaultValue(), ServerSettings.CONTROL_SOCKET.defaultValue(),
                    ServerSettings.LOG_LEVEL.defaultValue(), ServerSettings.NFLOG_GROUP.defaultValue());
        }
    }
}
