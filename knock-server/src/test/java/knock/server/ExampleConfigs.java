package knock.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import org.bouncycastle.math.ec.rfc7748.X25519;

import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.config.SpaKeyFile;

/**
 * The shipped example configs (dist/etc/*.conf), read as the daemon would. An example with signed knocks names
 * key files under /etc/knock; it is read with those paths pointed at a server key and an empty authorized_keys
 * made in {@code dir}, so the test needs nothing installed.
 */
public final class ExampleConfigs {

    private ExampleConfigs() {
    }

    public static List<Path> files() {
        try (var files = Files.list(Path.of("../dist/etc"))) {
            return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ServerConfig read(Path example, Path dir) {
        try {
            String text = Files.readString(example);
            if (!text.contains("spa-key")) {
                return ServerConfigReader.read(example);
            }
            Path key = dir.resolve(example.getFileName() + ".key");
            if (!Files.exists(key)) {
                byte[] k = new byte[32];
                X25519.generatePrivateKey(new SecureRandom(), k);
                SpaKeyFile.write(key, k, "test");
            }
            Path keys = Files.writeString(dir.resolve(example.getFileName() + ".authorized_keys"), "");
            text = text.replaceAll("(?m)^spa-key = .*$", "spa-key = " + key)
                    .replaceAll("(?m)^authorized-keys = .*$", "authorized-keys = " + keys);
            return ServerConfigReader.parse(example.toString(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
