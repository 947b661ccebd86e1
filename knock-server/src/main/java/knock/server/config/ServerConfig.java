package knock.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated server config: the daemon's own settings and the sequences it watches.
 *
 * @param source   the file it was read from, for messages
 * @param warnings what works but will probably surprise, in file order; {@code check} prints them, the daemon
 *                 should log them whenever it takes the config
 * @param spa      the keys and limits of signed knocks, read from their files; null when no sequence is signed
 */
public record ServerConfig(Path source, Daemon daemon, List<SequenceConfig> sequences, List<ConfigWarning> warnings,
                           Spa spa) {

    public ServerConfig {
        sequences = List.copyOf(sequences);
        warnings = List.copyOf(warnings);
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

    /**
     * What signed knocks need, read and checked with the config (so {@code check} and a reload see bad key files).
     *
     * @param privateKey the server's X25519 private key
     * @param keys       who may knock, from {@code authorized-keys}
     */
    public record Spa(byte[] privateKey, List<AuthorizedKey> keys, Duration maxAge, int replayEntries,
                      int workPerSecond) {

        public Spa {
            privateKey = privateKey.clone();
            keys = List.copyOf(keys);
        }
    }
}
