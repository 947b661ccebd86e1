package knock.client.profile;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import knock.sequence.Step;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every server config and client profile shown in any README of the repository, parsed by the real parsers:
 * a README that shows a block a user would copy and that knock then rejects fails the build. Blocks are fenced
 * ({@code ```}) or indented by four spaces; one is a server config when it has a {@code [server]} or
 * {@code [sequence NAME]} header, a profile when it has a {@code Sequence} or {@code KnockAddress} line
 * (ssh_config has neither, so ssh_config snippets are left alone). Errors name the README's own line.
 *
 * <p>It lives in the client's tests because only this module sees both parsers.
 */
class ReadmeExamplesTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern SERVER_HEADER =
            Pattern.compile("\\s*\\[\\s*(server|sequence(\\s+\\S+)?)\\s*]\\s*([#;].*)?");
    private static final Pattern PROFILE_KEYWORD = Pattern.compile("(?i)\\s*(Sequence|KnockAddress)[\\s=].*");

    /** A block of a README: its text, lines as in the file, and the file's line number of its first line. */
    record Block(Path file, int firstLine, List<String> lines) {

        String where() {
            return ROOT.relativize(file).toString();
        }

        /** The block's lines, after as many blank lines as precede it in the README, so line numbers match. */
        List<String> aligned() {
            List<String> all = new ArrayList<>(Collections.nCopies(firstLine - 1, ""));
            all.addAll(lines);
            return all;
        }

        boolean serverConfig() {
            return lines.stream().anyMatch(l -> SERVER_HEADER.matcher(l).matches());
        }

        boolean profile() {
            return lines.stream().anyMatch(l -> PROFILE_KEYWORD.matcher(l).matches());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyConfigAndProfileInAReadmeParses() throws IOException {
        List<Block> servers = new ArrayList<>();
        List<Block> profiles = new ArrayList<>();
        for (Path readme : readmes()) {
            for (Block block : blocks(readme)) {
                if (block.serverConfig()) {
                    servers.add(block);
                } else if (block.profile()) {
                    profiles.add(block);
                }
            }
        }
        assertFalse(servers.isEmpty(), "no server config found in any README: the extraction is broken");
        assertFalse(profiles.isEmpty(), "no client profile found in any README: the extraction is broken");
        return Stream.concat(
                servers.stream().map(b -> DynamicTest.dynamicTest("server config " + b.where() + ":" + b.firstLine(),
                        () -> parsesAsServerConfig(b))),
                profiles.stream().map(b -> DynamicTest.dynamicTest("profile " + b.where() + ":" + b.firstLine(),
                        () -> parsesAsProfile(b))));
    }

    private static void parsesAsServerConfig(Block block) throws IOException {
        String text = String.join("\n", block.aligned());
        if (text.contains("spa-port")) {
            text = withKeyFiles(text);
        }
        ServerConfig config = ServerConfigReader.parse(block.where(), text);
        assertEquals(List.of(), config.warnings(), block.where() + ": a README example that check warns about");
    }

    /**
     * A signed-knock example names key files under /etc/knock: point them at a fresh server key and an empty
     * authorized_keys, so the example is checked as written otherwise.
     */
    private static String withKeyFiles(String text) throws IOException {
        Path dir = Files.createTempDirectory("knock-readme");
        Path key = dir.resolve("spa.key");
        byte[] k = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(new java.security.SecureRandom(), k);
        Files.createFile(key, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, knock.spa.SpaKeys.text(k) + "\n");
        Path keys = Files.writeString(dir.resolve("authorized_keys"), "");
        assertTrue(text.contains("\nspa-key = ") && text.contains("\nauthorized-keys = "), "a signed example "
                + "without spa-key and authorized-keys lines: the test cannot point them at test files");
        return text.replaceAll("(?m)^spa-key = .*$", "spa-key = " + key)
                .replaceAll("(?m)^authorized-keys = .*$", "authorized-keys = " + keys);
    }

    private static void parsesAsProfile(Block block) {
        ProfileFile file = ProfileFile.parse(block.where(), block.aligned());
        // The steps a profile knocks are the server's: they must not be what everyday traffic sends either.
        for (String line : block.lines()) {
            if (PROFILE_KEYWORD.matcher(line).matches() && line.strip().regionMatches(true, 0, "Sequence", 0, 8)) {
                String steps = ProfileFile.stripComment(line).strip().substring("Sequence".length()).replaceFirst("^[\\s=]+", "");
                ServerConfig asServer = ServerConfigReader.parse(block.where(),
                        "[sequence s]\nknock-address = 198.18.0.1\nsteps = " + steps + "\n");
                assertEquals(List.of(), asServer.warnings(), block.where() + ": a README profile knocks with steps "
                        + "that check warns about");
            }
        }
        assertNotNull(file);
    }

    // The extraction itself, so that a broken one cannot pass by finding nothing.

    @Test
    void fencedAndIndentedBlocksAreFoundWithTheirLines() throws IOException {
        Path readme = Files.createTempFile("README", ".md");
        try {
            Files.writeString(readme, """
                    # Title
                    Text.

                    ```
                    [sequence ssh]
                    steps = 7000
                    ```
                    More text.

                        Host fw
                            Sequence 7000/udp

                    - a list item
                      continued
                    """);
            List<Block> blocks = blocks(readme);
            assertEquals(2, blocks.size(), blocks.toString());
            assertEquals(5, blocks.get(0).firstLine());
            assertTrue(blocks.get(0).serverConfig());
            assertEquals(10, blocks.get(1).firstLine());
            assertEquals(List.of("Host fw", "    Sequence 7000/udp"), blocks.get(1).lines());
            assertTrue(blocks.get(1).profile());
            assertFalse(blocks.get(0).profile());
        } finally {
            Files.delete(readme);
        }
    }

    @Test
    void aBadBlockFailsWithTheReadmesLine() {
        Block bad = new Block(ROOT.resolve("README.md"), 40, List.of("[sequence ssh]", "steps = 70000",
                "knock-address = 198.18.0.1"));
        assertEquals("README.md:41: step port 70000 (expected: 1-65535)",
                assertThrows(knock.config.ConfigException.class, () -> parsesAsServerConfig(bad)).getMessage());
        Block everyday = new Block(ROOT.resolve("README.md"), 1, List.of("Host fw", "  Sequence 7000 icmp"));
        assertThrows(AssertionError.class, () -> parsesAsProfile(everyday));
        assertEquals(Step.icmp(56), Step.parse("icmp"), "the bare icmp the check above must catch");
    }

    private static List<Path> readmes() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equalsIgnoreCase("README.md"))
                    .filter(p -> ROOT.relativize(p).toString().split("/").length > 0)
                    .filter(p -> {
                        String rel = ROOT.relativize(p).toString();
                        return !rel.startsWith(".") && !rel.contains("/target/") && !rel.contains("node_modules");
                    })
                    .sorted().toList();
            assertTrue(found.stream().anyMatch(p -> ROOT.relativize(p).toString().equals("README.md")),
                    "the top README.md not found from " + ROOT.toAbsolutePath());
            return found;
        }
    }

    /** The fenced and the indented code blocks of a markdown file. */
    static List<Block> blocks(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        List<Block> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            String fence = fence(line);
            if (fence != null) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().startsWith(fence)) {
                    end++;
                }
                blocks.add(new Block(readme, start + 1, List.copyOf(lines.subList(start, end))));
                i = end + 1;
                continue;
            }
            boolean afterBlank = i == 0 || lines.get(i - 1).isBlank();
            if (afterBlank && indented(line)) {
                int start = i;
                int end = i;
                // An indented block runs over blank lines while more indented lines follow.
                while (end < lines.size() && (indented(lines.get(end)) || lines.get(end).isBlank())) {
                    end++;
                }
                while (end > start && lines.get(end - 1).isBlank()) {
                    end--;
                }
                List<String> text = lines.subList(start, end).stream()
                        .map(l -> l.startsWith("\t") ? l.substring(1) : l.length() >= 4 ? l.substring(4) : "")
                        .toList();
                blocks.add(new Block(readme, start + 1, text));
                i = end;
                continue;
            }
            i++;
        }
        return blocks;
    }

    private static String fence(String line) {
        String t = line.stripLeading();
        if (line.length() - t.length() > 3) {
            return null;
        }
        return t.startsWith("```") ? "```" : t.startsWith("~~~") ? "~~~" : null;
    }

    private static boolean indented(String line) {
        return line.startsWith("    ") || line.startsWith("\t");
    }
}
