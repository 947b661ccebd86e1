package knock.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.sequence.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigReaderTest {

    private static final String MINIMAL = """
            [sequence ssh]
            steps = 7000/udp
            knock-address = 198.18.0.1
            """;

    @Test
    void readsAMinimalSequenceWithDefaults() {
        ServerConfig config = ServerConfigReader.parse("k.conf", MINIMAL);
        SequenceConfig ssh = config.sequences().getFirst();
        assertEquals("ssh", ssh.name());
        assertEquals(List.of(Step.udp(7000)), ssh.sequence().steps());
        assertEquals(22, ssh.guardPort());
        assertEquals("ssh4", ssh.list4());
        assertEquals("ssh6", ssh.list6());
        assertEquals(Duration.ofSeconds(90), ssh.window(), "the recipe's 90 s window is the default");
        assertEquals(1, ssh.scanGuard().adjacent());
        assertTrue(ssh.scanGuard().otherAddress());
        assertEquals(Duration.ofMinutes(5), ssh.scanGuard().holdOff());
        assertEquals(1_000_000, config.daemon().maxSources());
    }

    @Test
    void readsEverySettingOfTheExample() throws Exception {
        ServerConfig config = ServerConfigReader.read(Path.of("../dist/etc/knock-server.conf"));
        SequenceConfig ssh = config.sequences().getFirst();
        assertEquals(List.of(Step.tcp(7000), Step.udp(8000), Step.icmp(64)), ssh.sequence().steps());
        assertEquals(List.of(InetAddress.ofLiteral("198.18.0.1"), InetAddress.ofLiteral("fd6b:6e6f:636b::1")),
                ssh.knockAddresses());
        assertEquals(List.of(InetAddress.ofLiteral("fd6b:6e6f:636b::11")), ssh.guardAddresses(6));
        assertEquals(List.of(), config.daemon().interfaces(), "an empty interfaces value means all");
        assertEquals(List.of(), ssh.allow());
    }

    @Test
    void readsEveryShippedExample() throws Exception {
        try (var files = Files.list(Path.of("../dist/etc"))) {
            List<Path> configs = files.filter(f -> f.toString().endsWith(".conf")).toList();
            assertFalse(configs.isEmpty(), "no example configs found in dist/etc");
            for (Path file : configs) {
                assertDoesNotThrow(() -> ServerConfigReader.read(file), file.toString());
            }
        }
    }

    // One test per error class: each names file:line and what was expected.

    @Test
    void aMissingFileIsNamed() {
        assertError("/nonexistent/knock.conf: no such file", () -> ServerConfigReader.read(Path.of("/nonexistent/knock.conf")));
    }

    @Test
    void aLineThatIsNoKeyValueIsBlamed() {
        assertError("k.conf:3: cannot read 'steps 7000' (expected: key = value, or a [section] header)",
                "[sequence ssh]\nknock-address = 198.18.0.1\nsteps 7000\n");
    }

    @Test
    void aKeyOutsideASectionIsBlamed() {
        assertError("k.conf:2: key 'window' outside a section (expected: [server] or [sequence NAME] first)",
                "# comment\nwindow = 90s\n" + MINIMAL);
    }

    @Test
    void anUnknownKeyIsAnErrorNotIgnored() {
        String message = error(MINIMAL + "windw = 90s\n");
        assertTrue(message.startsWith("k.conf:4: unknown key 'windw' in [sequence ssh] (expected one of: steps,"),
                message);
    }

    @Test
    void anUnknownSectionIsBlamed() {
        assertError("k.conf:4: unknown section [options] (expected: [server] or [sequence NAME])",
                MINIMAL + "[options]\n");
    }

    @Test
    void aRepeatedKeyIsBlamed() {
        assertError("k.conf:4: key 'steps' repeated (expected: once per section; first set at line 2)",
                MINIMAL + "steps = 8000\n");
    }

    @Test
    void aRepeatedSequenceIsBlamed() {
        assertError("k.conf:4: sequence 'ssh' repeated (expected: unique names)", MINIMAL + MINIMAL);
    }

    @Test
    void aBadSequenceNameIsBlamed() {
        assertTrue(error("[sequence SSH!]\nsteps = 7000\nknock-address = 198.18.0.1\n")
                .startsWith("k.conf:1: [sequence SSH!] (expected: [sequence NAME], NAME of 1-16"));
    }

    @Test
    void aMissingRequiredKeyBlamesTheSection() {
        assertError("k.conf:2: [sequence ssh] has no 'knock-address' (expected: knock-address = one or more IPv4 "
                + "or IPv6 addresses, separated by spaces or commas)", "\n[sequence ssh]\nsteps = 7000\n");
    }

    @Test
    void noSequenceAtAllIsAnError() {
        assertError("k.conf: no [sequence NAME] section (expected: at least one)", "[server]\nlog-level = debug\n");
    }

    @Test
    void badValuesNameTheValueAndTheExpectation() {
        assertError("k.conf:2: step port 70000 (expected: 1-65535)",
                "[sequence ssh]\nsteps = 7000/tcp 70000/udp\nknock-address = 198.18.0.1\n");
        assertError("k.conf:3: knock-address 'fw.example.org' (expected: one or more IPv4 or IPv6 addresses, "
                + "separated by spaces or commas)", "[sequence ssh]\nsteps = 7000\nknock-address = fw.example.org\n");
        assertError("k.conf:4: window 90x (expected: a duration such as 500ms, 10s, 5m, 1h, at least 1s)",
                MINIMAL + "window = 90x\n");
        assertError("k.conf:4: guard-port 0 (expected: a whole number 1-65535)", MINIMAL + "guard-port = 0\n");
        assertError("k.conf:4: scan-other-address maybe (expected: yes or no)", MINIMAL + "scan-other-address = maybe\n");
        assertError("k.conf:4: list4 'ssh 4' (expected: a list name of 1-24 letters, digits, '-' or '_')",
                MINIMAL + "list4 = ssh 4\n");
        assertError("k.conf:4: allow '10.0.0.0/33' (expected: prefix length 0-32)", MINIMAL + "allow = 10.0.0.0/33\n");
        assertError("k.conf:2: max-sources lots (expected: a whole number 16-100000000)",
                "[server]\nmax-sources = lots\n" + MINIMAL);
        assertError("k.conf:4: window: empty value (expected: a duration such as 500ms, 10s, 5m, 1h, at least 1s)",
                MINIMAL + "window =\n");
    }

    @Test
    void aKnockPortNextToTheGuardedPortIsRefused() {
        assertError("k.conf:2: step 23/tcp is within scan-adjacent 1 of guard-port 22 (expected: knock ports away "
                + "from the guarded port)", "[sequence ssh]\nsteps = 23/tcp\nknock-address = 198.18.0.1\n");
    }

    @Test
    void twoEqualStepsInARowAreRefused() {
        assertTrue(error("[sequence ssh]\nsteps = 7000 7000\nknock-address = 198.18.0.1\n")
                .startsWith("k.conf:2: step 2 7000/tcp repeats the step before it"));
    }

    @Test
    void oneNameForBothListsIsRefused() {
        assertTrue(error(MINIMAL + "list4 = ssh\nlist6 = ssh\n").startsWith("k.conf:5: list6 'ssh' is also list4"));
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        ServerConfig config = ServerConfigReader.parse("k.conf", """
                ; a comment
                # another

                [sequence ssh]   # trailing comment
                steps = 7000/udp  # the knock
                knock-address = 198.18.0.1
                """);
        assertEquals(List.of(Step.udp(7000)), config.sequences().getFirst().sequence().steps());
    }

    @Test
    void aConfigThatIsNotTextIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bin.conf");
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertError(file + ": not UTF-8 text (expected: a config file)", () -> ServerConfigReader.read(file));
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> ServerConfigReader.parse("k.conf", text)).getMessage();
    }

    private static void assertError(String expected, String text) {
        assertEquals(expected, error(text));
    }

    private static void assertError(String expected, org.junit.jupiter.api.function.Executable read) {
        ConfigException e = assertThrows(ConfigException.class, read);
        assertEquals(expected, e.getMessage());
        assertEquals(2, e.exitCode(), "config errors exit with 2");
    }
}
