package knock.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileTest {

    @TempDir
    Path dir;

    private String error(Path file) {
        return assertThrows(ConfigException.class, () -> TextFile.lines(file, "f.conf", "a config file"))
                .getMessage();
    }

    @Test
    void aSmallUtf8FileIsItsLines() throws IOException {
        Path file = Files.writeString(dir.resolve("ok"), "a = ü\n\nb\n");
        assertEquals(List.of("a = ü", "", "b"), TextFile.lines(file, "f.conf", "a config file"));
    }

    @Test
    void everyBadFileIsOneLineNamingIt() throws IOException {
        assertEquals("f.conf: no such file", error(dir.resolve("missing")));
        assertEquals("f.conf: is a directory (expected: a config file)", error(dir));
        Path big = Files.write(dir.resolve("big"), new byte[(int) TextFile.MAX_BYTES + 1]);
        assertEquals("f.conf: larger than 1 MiB (expected: a config file)", error(big));
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'a', '=', (byte) 0xe9, '\n'});
        assertEquals("f.conf: not UTF-8 text (expected: a config file)", error(latin1));
    }

    @Test
    void aMissingOptionalFileIsEmptyNotAnError() {
        assertTrue(TextFile.linesIfExists(dir.resolve("missing"), "f.conf", "a profile file").isEmpty());
    }
}
