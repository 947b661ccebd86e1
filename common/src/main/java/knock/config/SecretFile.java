package knock.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads the shared secret of a time-derived sequence: a small text file holding the secret in base32 (RFC 4648,
 * the alphabet of TOTP's secrets; case, whitespace, line breaks and {@code =} padding do not matter), made for
 * instance with {@code (umask 077; head -c 32 /dev/urandom | base32 > FILE)}. Server and client read the same
 * format. As sshd and ssh refuse a private key that others may read, a file that its group or others have any
 * permission on is refused: the secret opens the port to whoever holds it.
 */
public final class SecretFile {

    /** The largest file taken: a secret is a few dozen characters. */
    static final int MAX_BYTES = 4096;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private SecretFile() {
    }

    /**
     * The secret's bytes.
     *
     * @param where where the file was named ({@code knock.conf:7}), for messages
     * @param key   the key that named it ({@code secret-file}, {@code SecretFile}), for messages
     * @throws ConfigException one line naming {@code where}, the file and what was expected
     */
    public static byte[] read(Path file, String where, String key) {
        String named = key + " " + file;
        byte[] text;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(where, named + ": " + (Files.exists(file) ? "not a regular file"
                        : "no such file") + " (expected: a file holding the secret in base32)");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            int bits = bits(mode);
            if ((bits & 0077) != 0) {
                throw new ConfigException(where, named + " is open to " + ((bits & 0007) != 0 ? "others" : "its group")
                        + " (mode 0" + Integer.toOctalString(bits) + "; expected: chmod 600, as ssh requires of "
                        + "private keys)");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(where, named + ": larger than " + MAX_BYTES + " bytes (expected: a secret "
                        + "in base32)");
            }
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(where, named + ": no such file (expected: a file holding the secret in base32)");
        } catch (UnsupportedOperationException e) {
            throw new ConfigException(where, named + ": no POSIX permissions to check (expected: a file on a Linux "
                    + "file system, mode 600)");
        } catch (IOException e) {
            throw new ConfigException(where, named + ": cannot read: " + e.getMessage());
        }
        try {
            return decode(new String(text, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, named + ": " + e.getMessage());
        }
    }

    /**
     * Decodes base32 text; whitespace and {@code =} are skipped, case is ignored.
     *
     * @throws IllegalArgumentException for any other character
     */
    static byte[] decode(String text) {
        byte[] out = new byte[text.length() * 5 / 8 + 1];
        int n = 0;
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '=') {
                continue;
            }
            int v = ALPHABET.indexOf(Character.toUpperCase(c));
            if (v < 0 || c > 127) {
                throw new IllegalArgumentException("character " + (c >= ' ' && c < 127 ? "'" + c + "'"
                        : String.format("0x%02x", (int) c)) + " at offset " + i + " is not base32 (expected: the "
                        + "secret in base32, A-Z and 2-7)");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int bits(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 0400 >>> p.ordinal();
        }
        return bits;
    }
}
