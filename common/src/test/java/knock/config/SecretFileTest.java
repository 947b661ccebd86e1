package knock.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

    @TempDir
    Path dir;

    private Path secret(String text, String mode) throws IOException {
        Path file = Files.writeString(dir.resolve("secret"), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private String error(Path file) {
        return assertThrows(ConfigException.class, () -> SecretFile.read(file, "k.conf:4", "secret-file"))
                .getMessage();
    }

    @Test
    void readsBase32WhateverItsCaseSpacingAndPadding() throws IOException {
        byte[] hello = "Hello!".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(hello, SecretFile.read(secret("JBSWY3DPEE======\n", "rw-------"), "k", "secret-file"));
        assertArrayEquals(hello, SecretFile.read(secret("jbsw y3dp\nee\n", "r--------"), "k", "secret-file"));
    }

    @Test
    void refusesAFileItsGroupOrOthersMayRead() throws IOException {
        assertEquals("k.conf:4: secret-file " + dir.resolve("secret") + " is open to others (mode 0644; expected: "
                + "chmod 600, as ssh requires of private keys)", error(secret("JBSWY3DPEE", "rw-r--r--")));
        assertEquals("k.conf:4: secret-file " + dir.resolve("secret") + " is open to its group (mode 0640; "
                + "expected: chmod 600, as ssh requires of private keys)", error(secret("JBSWY3DPEE", "rw-r-----")));
        assertTrue(error(secret("JBSWY3DPEE", "rw-----w-")).contains("is open to others (mode 0602;"));
    }

    @Test
    void everyOtherBadFileIsOneLineNamingIt() throws IOException {
        assertEquals("k.conf:4: secret-file " + dir.resolve("none") + ": no such file (expected: a file holding "
                + "the secret in base32)", error(dir.resolve("none")));
        assertEquals("k.conf:4: secret-file " + dir + ": not a regular file (expected: a file holding the secret "
                + "in base32)", error(dir));
        assertEquals("k.conf:4: secret-file " + dir.resolve("secret") + ": character '1' at offset 4 is not "
                + "base32 (expected: the secret in base32, A-Z and 2-7)", error(secret("JBSW1", "rw-------")));
        assertTrue(error(secret("x".repeat(5000), "rw-------")).endsWith(": larger than 4096 bytes (expected: a "
                + "secret in base32)"));
    }
}
