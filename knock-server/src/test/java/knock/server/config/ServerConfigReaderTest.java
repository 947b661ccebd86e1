package knock.server.config;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.config.ConfigException;
import knock.sequence.Sequence;
import knock.sequence.Step;
import knock.server.ExampleConfigs;
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
        assertEquals(List.of(Step.tcp(7000), Step.udp(8000), Step.icmp(173)), ssh.sequence().steps());
        assertEquals(List.of(InetAddress.ofLiteral("198.18.0.1"), InetAddress.ofLiteral("fd6b:6e6f:636b::1")),
                ssh.knockAddresses());
        assertEquals(List.of(InetAddress.ofLiteral("fd6b:6e6f:636b::11")), ssh.guardAddresses(6));
        assertEquals(List.of(), config.daemon().interfaces(), "an empty interfaces value means all");
        assertEquals(List.of(), ssh.allow());
    }

    @Test
    void readsEveryShippedExample(@TempDir Path temp) throws Exception {
        List<Path> configs = ExampleConfigs.files();
        assertFalse(configs.isEmpty(), "no example configs found in dist/etc");
        for (Path file : configs) {
            ServerConfig config = assertDoesNotThrow(() -> ExampleConfigs.read(file, temp), file.toString());
            assertEquals(List.of(), config.warnings(), file + ": an example that check warns about");
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
        assertError("k.conf:2: max-sources lots (expected: a whole number 16-10000000)",
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
    void twoSequencesOnOneListAreRefused() {
        assertError("k.conf:7: list4 'ssh4' is also sequence a's (expected: a list of its own per sequence)",
                "[sequence a]\nsteps = 7000\nknock-address = 198.18.0.1\n[sequence b]\nsteps = 9000\n"
                        + "knock-address = 198.18.0.1\nlist4 = ssh4\nlist6 = b6\n");
        assertError("k.conf:4: list6 'ssh6' is also sequence a's (expected: a list of its own per sequence)",
                "[sequence a]\nsteps = 7000\nknock-address = 198.18.0.1\n[sequence b]\nsteps = 9000\n"
                        + "knock-address = 198.18.0.1\nlist4 = b4\n");
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
                knock-address = 198.18.0.1	; trailing, after a tab
                guard-address = ; none: every address
                """);
        SequenceConfig ssh = config.sequences().getFirst();
        assertEquals(List.of(Step.udp(7000)), ssh.sequence().steps());
        assertEquals(List.of(InetAddress.ofLiteral("198.18.0.1")), ssh.knockAddresses());
        assertEquals(List.of(), ssh.guardAddresses());
    }

    @Test
    void aHashOrSemicolonInsideAValueIsNoComment() {
        ServerConfig config = ServerConfigReader.parse("k.conf",
                "[server]\ncontrol-socket = /run/knock#1;x/control.sock  # where status asks\n" + MINIMAL);
        assertEquals("/run/knock#1;x/control.sock", config.daemon().controlSocket());
    }

    // Bounds: everything check accepts must run, so what cannot run is refused here, with file:line.

    @Test
    void aDurationBeyondNinetyDaysIsRefused() {
        assertError("k.conf:4: hold-off 999999999h (expected: 0s-49d)", MINIMAL + "hold-off = 999999999h\n");
        assertError("k.conf:4: window 50d (expected: 1s-49d)", MINIMAL + "window = 50d\n");
        assertError("k.conf:4: step-timeout 4233601 (expected: 1s-49d)", MINIMAL + "step-timeout = 4233601\n");
        assertError("k.conf:2: duplicate-grace 1177h (expected: 0s-49d)",
                "[server]\nduplicate-grace = 1177h\n" + MINIMAL);
        assertError("k.conf:4: window 0s (expected: 1s-49d)", MINIMAL + "window = 0s\n");
    }

    @Test
    void aDurationTooLongForALongIsOutOfRangeNotAnOverflow() {
        assertError("k.conf:4: hold-off 99999999999999999999h (expected: 0s-49d)",
                MINIMAL + "hold-off = 99999999999999999999h\n");
        assertError("k.conf:4: window 9223372036854775808ms (expected: 1s-49d)",
                MINIMAL + "window = 9223372036854775808ms\n");
    }

    @Test
    void moreThanSixtyFourStepsAreRefused() {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            steps.append(10_000 + 10 * i).append(i % 2 == 0 ? "/tcp " : "/udp ");
        }
        assertError("k.conf:2: steps: 65 steps (expected: at most 64)",
                "[sequence ssh]\nsteps = " + steps + "\nknock-address = 198.18.0.1\n");
    }

    @Test
    void moreThanSixtyFourSequencesAreRefused() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 65; i++) {
            text.append("[sequence s").append(i).append("]\nsteps = ").append(10_000 + 10 * i)
                    .append("/udp\nknock-address = 198.18.0.1\nlist4 = s").append(i).append("v4\nlist6 = s")
                    .append(i).append("v6\n");
        }
        assertError("k.conf:321: [sequence s65] is sequence 65 (expected: at most 64 sequences)", text.toString());
    }

    @Test
    void anIcmpStepThatMayBeFragmentedIsRefused() {
        assertError("k.conf:2: step icmp/1233 (expected: icmp/0-1232, an echo that crosses any link unfragmented)",
                "[sequence ssh]\nsteps = 7000 icmp/1233\nknock-address = 198.18.0.1\n");
    }

    @Test
    void numbersBeyondTheirRangeAreRefusedNotWrapped() {
        assertError("k.conf:2: max-sources 10000001 (expected: a whole number 16-10000000)",
                "[server]\nmax-sources = 10000001\n" + MINIMAL);
        assertError("k.conf:2: max-sources 99999999999999999999 (expected: a whole number 16-10000000)",
                "[server]\nmax-sources = 99999999999999999999\n" + MINIMAL);
        assertError("k.conf:4: guard-port 65536 (expected: a whole number 1-65535)", MINIMAL + "guard-port = 65536\n");
        assertError("k.conf:4: scan-adjacent 101 (expected: a whole number 0-100)", MINIMAL + "scan-adjacent = 101\n");
        assertError("k.conf:4: max-connections 4294967297 (expected: a whole number 0-1000)",
                MINIMAL + "max-connections = 4294967297\n");
        assertError("k.conf:2: step '4294967297' (expected: PORT[/tcp|/udp] or icmp[/SIZE])",
                "[sequence ssh]\nsteps = 4294967297\nknock-address = 198.18.0.1\n");
    }

    @Test
    void theLargestAcceptedValuesMakeNanosecondTimesThatDoNotOverflow() {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < Sequence.MAX_STEPS - 1; i++) {
            steps.append(1000 + 300 * i).append(i % 2 == 0 ? "/tcp " : "/udp ");
        }
        steps.append("icmp/").append(ServerSettings.MAX_ICMP_PAYLOAD);
        StringBuilder text = new StringBuilder("""
                [server]
                max-sources = 10000000
                duplicate-grace = 49d
                """);
        for (int s = 1; s <= ServerSettings.MAX_SEQUENCES; s++) {
            text.append("[sequence s").append(s).append("]\nsteps = ").append(steps)
                    .append("\nknock-address = 198.18.0.1\nguard-port = 65535\nstep-timeout = 1176h\nwindow = 49d\n")
                    .append("hold-off = 4233600\nscan-adjacent = 100\nmax-connections = 1000\nlist4 = l")
                    .append(s).append("v4\nlist6 = l").append(s).append("v6\n");
        }
        ServerConfig config = ServerConfigReader.parse("k.conf", text.toString());
        assertEquals(ServerSettings.MAX_SEQUENCES, config.sequences().size());
        // System.nanoTime() has an arbitrary origin; a quarter of the long range is over 73 years of uptime.
        long now = Long.MAX_VALUE / 4;
        long grace = config.daemon().duplicateGrace().toNanos();
        for (SequenceConfig s : config.sequences()) {
            assertEquals(Sequence.MAX_STEPS, s.sequence().length());
            long stepTimeout = s.sequence().stepTimeout().toNanos();
            long window = s.window().toNanos();
            long holdOff = s.scanGuard().holdOff().toNanos();
            assertEquals(Setting.MAX_DURATION.toNanos(), window);
            assertEquals(Setting.MAX_DURATION.toNanos(), holdOff);
            assertEquals(Setting.MAX_DURATION.toNanos(), stepTimeout);
            // The latest deadline the daemon can compute: every step at its last moment, a retransmit at the end
            // of its grace, then the window and the hold-off after it.
            long latest = Math.addExact(now, Math.multiplyExact(stepTimeout, s.sequence().length()));
            latest = Math.addExact(latest, grace);
            latest = Math.addExact(latest, window);
            latest = Math.addExact(latest, holdOff);
            assertTrue(latest - now > 0, "deadlines compare by difference: the span must stay positive");
            // Kernel mode hands these to xt_recent --seconds, whose jiffies wrap in 32 bits above ~198 days.
            assertTrue(s.window().toSeconds() * 250 < (1L << 32), "window in jiffies at HZ=250");
            assertTrue(s.scanGuard().holdOff().toSeconds() * 250 < (1L << 32), "hold-off in jiffies at HZ=250");
        }
    }

    // Warnings: steps that everyday traffic sends. They name file:line and never fail the config.

    @Test
    void aStepThatPingSendsIsAWarningWithItsLine() {
        ServerConfig config = ServerConfigReader.parse("k.conf",
                "[sequence ssh]\nknock-address = 198.18.0.1\nsteps = 7000/tcp icmp\n");
        assertEquals(List.of("k.conf:3: warning: step icmp/56 is everyday traffic, a plain ping (Linux, BSD, macOS, "
                + "fping): an admitted user who sends it to the box counts as a scan or a wrong step and loses the "
                + "port (expected: a step no everyday tool sends)"), warnings(config));
    }

    @Test
    void everyEverydayStepIsOneWarningLine() {
        ServerConfig config = ServerConfigReader.parse("k.conf", """
                [sequence ssh]
                knock-address = 198.18.0.1
                steps = icmp/32 443/tcp 53/udp 33500/udp icmp/0 8000/udp
                """);
        List<String> warnings = warnings(config);
        assertEquals(5, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.get(0).startsWith("k.conf:3: warning: step icmp/32 is everyday traffic, a Windows ping"));
        assertTrue(warnings.get(1).startsWith("k.conf:3: warning: step 443/tcp is everyday traffic, HTTPS:"));
        assertTrue(warnings.get(2).startsWith("k.conf:3: warning: step 53/udp is everyday traffic, DNS:"));
        assertTrue(warnings.get(3).startsWith("k.conf:3: warning: step 33500/udp is everyday traffic, a traceroute's"));
        assertTrue(warnings.get(4).startsWith("k.conf:3: warning: step icmp/0 is everyday traffic, an echo of nmap"));
        assertTrue(warnings.stream().noneMatch(w -> w.contains("\n")), "one line each");
    }

    @Test
    void aStepNextToEverydayTrafficWarnsOnlyWhileTheScanGuardCoversTheNeighbour() {
        String text = "[sequence ssh]\nknock-address = 198.18.0.1\nsteps = icmp/57 444/tcp\n";
        List<String> warnings = warnings(ServerConfigReader.parse("k.conf", text));
        assertEquals(2, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.get(0).startsWith("k.conf:3: warning: step icmp/57 is within scan-adjacent 1 of everyday "
                + "traffic, a plain ping"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("k.conf:3: warning: step 444/tcp is within scan-adjacent 1 of everyday "
                + "traffic, HTTPS"), warnings.get(1));
        assertEquals(List.of(), ServerConfigReader.parse("k.conf", text + "scan-adjacent = 0\n").warnings());
    }

    @Test
    void ordinaryStepsWarnOfNothing() {
        assertEquals(List.of(), ServerConfigReader.parse("k.conf", MINIMAL).warnings());
        assertEquals(List.of(), ServerConfigReader.parse("k.conf",
                "[sequence ssh]\nsteps = 7000/tcp 8000/udp icmp/173 icmp/1232\nknock-address = 198.18.0.1\n").warnings());
    }

    private static List<String> warnings(ServerConfig config) {
        return config.warnings().stream().map(ConfigWarning::toString).toList();
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
