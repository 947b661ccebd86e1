package knock.server.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import knock.config.ConfigException;
import knock.config.TextFile;
import knock.spa.SpaKeys;

/**
 * The server's X25519 private key file: {@code #} comments and one base64 line, mode 0600. A key others can read
 * is refused, as sshd refuses a readable host key: whoever reads it can decrypt every knock.
 */
public final class SpaKeyFile {

    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private SpaKeyFile() {
    }

    /** The private key in {@code file}. */
    public static byte[] read(Path file) {
        String name = file.toString();
        List<String> lines = TextFile.lines(file, name, "a key file from knock-server keygen");
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(OTHERS::contains)) {
                throw new ConfigException(name, "mode " + PosixFilePermissions.toString(mode) + " lets others read "
                        + "the private key (expected: chmod 600, as knock-server keygen writes it)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException(name, "cannot read its mode: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                return SpaKeys.parse("private key", line);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + ":" + (i + 1), "private key (expected: 44 characters of base64, "
                        + "as knock-server keygen writes it)");
            }
        }
        throw new ConfigException(name, "no key (expected: a key file from knock-server keygen)");
    }

    /**
     * Writes {@code privateKey} to a new file, mode 0600 from creation on.
     *
     * @throws ConfigException when the file exists (a key is never overwritten) or cannot be written
     */
    public static void write(Path file, byte[] privateKey, String comment) {
        String name = file.toString();
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new ConfigException(name, "exists (expected: a new file; a key is never overwritten)");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot create: " + e.getMessage());
        }
        try {
            Files.writeString(file, "# " + comment + "\n" + SpaKeys.text(privateKey) + "\n");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot write: " + e.getMessage());
        }
    }
}
