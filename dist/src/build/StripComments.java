import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Build step (dist's stage.sh): rewrites a properties file without its comment and blank lines, and refuses to
 * if the properties it defines would change. The bundled runtime's conf/security/java.security is 72 kB of
 * which 3 kB are properties; every process that touches {@code InetAddress} or {@code SecureRandom} parses it in
 * the interpreter (about a millisecond of each knock's start).
 *
 * <p>A comment line is one whose first non-blank character is {@code #} or {@code !}, unless the line before it
 * ends in an odd number of backslashes (then it continues a value). Usage: {@code java StripComments.java FILE}.
 */
public final class StripComments {

    private StripComments() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        String original = Files.readString(file, StandardCharsets.ISO_8859_1);
        StringBuilder kept = new StringBuilder();
        boolean continued = false;
        for (String line : original.lines().toList()) {
            String text = line.stripLeading();
            if (continued || !(text.isEmpty() || text.startsWith("#") || text.startsWith("!"))) {
                kept.append(line).append('\n');
            }
            int backslashes = 0;
            while (backslashes < line.length() && line.charAt(line.length() - 1 - backslashes) == '\\') {
                backslashes++;
            }
            continued = backslashes % 2 == 1;
        }
        if (!load(original).equals(load(kept.toString()))) {
            System.err.println(file + ": the properties would change without comments; left as it is");
            System.exit(1);
        }
        Files.writeString(file, kept, StandardCharsets.ISO_8859_1);
        System.out.println(load(original).size());
    }

    private static Properties load(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }
}
