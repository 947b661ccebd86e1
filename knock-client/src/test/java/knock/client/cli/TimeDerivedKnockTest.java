package knock.client.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code knock HOST} and {@code knock code HOST} with a time-derived profile, at a fixed wall clock: Unix time
 * 1700000000, where docs/time-derived.md's test vector gives {@code 46712/udp 43213/tcp 48499/udp}.
 */
class TimeDerivedKnockTest {

    private static final InstantSource VECTOR_TIME = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L));

    @TempDir
    Path home;
    private Path secret;

    record Run(int code, String out, String err) {
        String line() {
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, "expected one line on stderr, got: " + err);
            assertFalse(err.contains("\tat "), "a stack trace on stderr: " + err);
            return lines[0];
        }
    }

    @BeforeEach
    void files() throws IOException {
        Path dir = Files.createDirectories(home.resolve(".config/knock"));
        secret = Files.writeString(dir.resolve("fw.secret"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("config"), """
                Host fw
                    HostName 192.0.2.1
                    KnockAddress 127.0.0.1
                    SecretFile ~/.config/knock/fw.secret
                    PortRange 40000-49999
                    Protocols udp tcp udp
                Host old
                    HostName 127.0.0.1
                    Sequence 7000/udp
                Host *
                    Period 30s
                """);
    }

    private Run knock(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = KnockMain.commandLine(Map.of("HOME", home.toString()), VECTOR_TIME);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void codePrintsTheKnockOfNowAndHowLongTheServerTakesIt() {
        Run r = knock("code", "fw");
        assertEquals(0, r.code(), r.err());
        // 1700000000 is 20 s into its 30 s time step; the server also takes it through the next one.
        assertEquals("46712/udp 43213/tcp 48499/udp\nvalid for 40s (the next code in 10s), once\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void knockSendsTheKnockOfNow() {
        Run r = knock("-v", "fw");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("sent 46712/udp to 127.0.0.1"), r.err());
        assertTrue(r.err().contains("sent 43213/tcp to 127.0.0.1"), r.err());
        assertTrue(r.err().contains("sent 48499/udp to 127.0.0.1"), r.err());
    }

    @Test
    void aSecretOthersMayReadIsOneLineAndNothingIsSent() throws IOException {
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        for (String[] args : new String[][] {{"-v", "fw"}, {"code", "fw"}}) {
            Run r = knock(args);
            assertEquals(2, r.code());
            assertEquals("knock: " + home.resolve(".config/knock/config") + ":4: SecretFile " + secret + " is open to "
                    + "others (mode 0644; expected: chmod 600, as ssh requires of private keys)", r.line());
            assertEquals("", r.out());
        }
    }

    @Test
    void codeForAHostWithoutATimeDerivedKnockIsBadInput() {
        Run r = knock("code", "old");
        assertEquals(2, r.code());
        assertEquals("knock: no time-derived knock for 'old' in " + home.resolve(".config/knock/config")
                + " (expected: a Host block with SecretFile, PortRange and Protocols)", r.line());
    }

    @Test
    void helpShowsCodeAndItsExitCodes() {
        assertTrue(knock("--help").out().contains("knock code fw"), "knock --help does not mention knock code");
        Run r = knock("code", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("2   bad input"), r.out());
    }
}
