package knock.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Reads the small UTF-8 text files knock takes, the server's config and the client's profiles, as lines. Every
 * failure is one {@link ConfigException} naming the file and what it should have been: a directory, a file
 * over 1 MiB (a config is a few KiB; a bigger one is a mistake, or hostile), text that is not UTF-8.
 */
public final class TextFile {

    /** The largest file taken. */
    public static final long MAX_BYTES = 1 << 20;

    private TextFile() {
    }

    /**
     * The lines of {@code file}.
     *
     * @param where names the file in messages
     * @param what what the file should be, for messages: {@code a config file}
     * @throws ConfigException for a missing, unreadable, oversized or non-UTF-8 file
     */
    public static List<String> lines(Path file, String where, String what) {
        return linesIfExists(file, where, what)
                .orElseThrow(() -> new ConfigException(where, "no such file"));
    }

    /** As {@link #lines}, but a missing file is empty, not an error (an optional default path). */
    public static Optional<List<String>> linesIfExists(Path file, String where, String what) {
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(where, "is a directory (expected: " + what + ")");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(where, "larger than 1 MiB (expected: " + what + ")");
            }
            // readString, not readAllLines: the same lines and errors without a decoder and a stream reader, and
            // no String.lines stream (see Digits): the client reads its profile before every ssh, interpreted
            List<String> lines = new ArrayList<>();
            try (BufferedReader text = new BufferedReader(new StringReader(Files.readString(file, UTF_8)))) {
                for (String line = text.readLine(); line != null; line = text.readLine()) {
                    lines.add(line);
                }
            }
            return Optional.of(lines);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (CharacterCodingException e) {
            throw new ConfigException(where, "not UTF-8 text (expected: " + what + ")");
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read: " + e.getMessage());
        }
    }
}
