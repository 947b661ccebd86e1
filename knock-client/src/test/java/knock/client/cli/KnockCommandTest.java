package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands through picocli's {@code execute}, with captured writers: exit codes and the one-line messages. */
class KnockCommandTest {

    @TempDir
    Path home;

    record Run(int code, String out, String err) {
        /** The single line on stderr, failing if there are more. */
        String line() {
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, "expected one line on stderr, got: " + err);
            assertFalse(err.contains("\tat "), "a stack trace on stderr: " + err);
            return lines[0];
        }
    }

    private Run knock(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = KnockMain.commandLine(Map.of("HOME", home.toString()));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path profile(String text) throws IOException {
        Path dir = Files.createDirectories(home.resolve(".config/knock"));
        return Files.writeString(dir.resolve("config"), text);
    }

    @Test
    void anUnknownHostWithoutStepsIsBadInput() {
        Run r = knock("fw");
        assertEquals(2, r.code());
        assertEquals("knock: no profile for 'fw' in " + home + "/.config/knock/config and no steps given"
                + " (expected: a Host block with a Sequence or ServerKey, or knock HOST STEP...)", r.line());
    }

    @Test
    void aMalformedStepIsBadInputNamingTheStep() {
        Run r = knock("127.0.0.1", "7000/xyz");
        assertEquals(2, r.code());
        assertEquals("knock: step '7000/xyz': unknown protocol 'xyz' (expected: PORT[/tcp|/udp] or icmp[/SIZE])", r.line());
        assertEquals("knock: step port 70000 (expected: 1-65535)", knock("127.0.0.1", "70000").line());
        assertEquals("knock: icmp payload 2000 (expected: 0-1452)", knock("127.0.0.1", "icmp/2000").line());
    }

    @Test
    void aBadProfileNamesFileAndLine() throws IOException {
        Path file = profile("Host fw\n  Sequence 7000\n\n  Port 70000\n");
        Run r = knock("fw");
        assertEquals(2, r.code());
        assertEquals("knock: " + file + ":4: Port 70000 (expected: 1-65535)", r.line());
    }

    @Test
    void dashFNamesAnotherFileThatMustExist() throws IOException {
        Run r = knock("-F", home.resolve("nope").toString(), "fw");
        assertEquals(2, r.code());
        assertEquals("knock: " + home.resolve("nope") + ": no such file", r.line());
    }

    @Test
    void xdgConfigHomeIsHonoured() throws IOException {
        Path xdg = Files.createDirectories(home.resolve("xdg/knock"));
        Files.writeString(xdg.resolve("config"), "Host fw\n  Sequence 7000\n  Port 0\n");
        var cmd = KnockMain.commandLine(Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve("xdg").toString()));
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        assertEquals(2, cmd.execute("fw"));
        assertEquals("knock: " + xdg.resolve("config") + ":3: Port 0 (expected: 1-65535)", err.toString().strip());
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() {
        assertEquals("knock: Unknown option: '--bogus' (see 'knock --help')", knock("--bogus").line());
        assertEquals(2, knock("--bogus").code());
        assertEquals("knock: no HOST given (see 'knock --help')", knock().line());
        assertEquals("knock: -4 and -6 together (expected: at most one of them)", knock("-4", "-6", "::1", "7000").line());
        assertTrue(knock("--wait=soon", "::1", "7000").line().startsWith("knock: --wait 'soon' (expected: a duration"));
        assertEquals("knock: port '0' (expected: 1-65535)", knock("-p", "0", "::1", "7000").line());
        assertEquals(2, knock("proxy", "host").code());
        assertTrue(knock("proxy", "host").line().endsWith("(see 'knock proxy --help')"), knock("proxy", "host").err());
        assertEquals("knock: port 'ssh' (expected: 1-65535)", knock("proxy", "::1", "ssh").line());
    }

    @Test
    void everyKindOfBadCommandLineIsOneLineWithItsHelpAndExitTwo() {
        String[][] bad = {
            {"-p"},
            {"-F"},
            {"--wait=1s", "--wait=2s", "::1", "7000"},
            {"proxy"},
            {"proxy", "--timeout"},
            {"proxy", "--bogus", "::1", "22"},
        };
        for (String[] args : bad) {
            Run r = knock(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            String help = args[0].equals("proxy") ? " (see 'knock proxy --help')" : " (see 'knock --help')";
            assertTrue(r.line().startsWith("knock: ") && r.line().endsWith(help), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), "usage errors print nothing on stdout");
        }
    }

    @Test
    void aFamilyMismatchIsBadInput() {
        Run r = knock("-6", "127.0.0.1", "7000");
        assertEquals(2, r.code());
        assertTrue(r.line().startsWith("knock: address 127.0.0.1 is not IPv6"), r.err());
    }

    @Test
    void helpListsTheExitCodes() {
        Run r = knock("--help");
        assertEquals(0, r.code());
        for (String code : new String[] {"0   ok", "1   failure", "2   bad input", "3   missing privilege"}) {
            assertTrue(r.out().contains(code), "--help lacks exit code '" + code + "':\n" + r.out());
        }
        assertTrue(r.out().contains("ProxyCommand knock proxy %h %p"), r.out());
    }

    @Test
    void aUdpKnockFromTheProfileArrivesAtTheKnockAddressAndQuietly() throws IOException {
        try (DatagramChannel listener = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            profile("Host fw\n  HostName 192.0.2.1\n  KnockAddress 127.0.0.1\n  Sequence " + port + "/udp\n");
            Run r = knock("fw");
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err(), "quiet by default");
            listener.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(16);
            assertTrue(listener.receive(b) != null, "no datagram arrived at the knock address 127.0.0.1:" + port);
        }
    }

    @Test
    void verboseShowsEachKnockOnStderr() {
        Run r = knock("-v", "--delay=10ms", "::1", "7000/udp", "7001:udp");
        assertEquals(0, r.code(), r.err());
        assertEquals("knock: sent 7000/udp to ::1 (datagram)\nknock: sent 7001/udp to ::1 (datagram)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void waitSucceedsWhenThePortAcceptsAndFailsCleanlyWhenItDoesNot() throws IOException {
        try (ServerSocketChannel open = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) open.getLocalAddress()).getPort();
            assertEquals(0, knock("--wait=2s", "-p", String.valueOf(port), "127.0.0.1", "7000/udp").code());
            open.close();
            Run r = knock("--wait=1s", "-p", String.valueOf(port), "127.0.0.1", "7000/udp");
            assertEquals(1, r.code());
            assertEquals("knock: port " + port + " on 127.0.0.1 not open after 1s (last attempt: refused)", r.line());
        }
    }

    /** An option before the subcommand counts as after it: -F is never dropped for its place on the line. */
    @Test
    void optionsBeforeTheSubcommandApplyToIt() throws IOException {
        Path other = Files.writeString(home.resolve("other.config"), "Host fw\n  Sequense 7000\n");
        for (String[] line : new String[][] {{"-F", other.toString(), "proxy", "fw", "22"},
                {"-F", other.toString(), "code", "fw"}}) {
            Run r = knock(line);
            assertEquals(2, r.code(), String.join(" ", line));
            assertTrue(r.line().startsWith("knock: " + other + ":2: unknown keyword 'Sequense'"), r.line());
        }
    }
}
