package knock.server.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import knock.config.ConfigException;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.TimeDerivedSteps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A time-derived [sequence NAME]: what it reads, and one file:line per mistake. */
class TimeDerivedReaderTest {

    /** 20 bytes: the test vector's secret of docs/time-derived.md. */
    static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n";
    static final byte[] VECTOR = HexFormat.of().parseHex("48656c6c6f21deadbeef48656c6c6f21deadbeef");

    @TempDir
    Path dir;
    private Path secret;

    @BeforeEach
    void secretFile() throws IOException {
        secret = Files.writeString(dir.resolve("ssh.secret"), SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    private String section(String lines) {
        return "[sequence ssh]\nknock-address = 198.18.0.1\n" + lines;
    }

    private String derived(String extra) {
        return section("secret-file = " + secret + "\nport-range = 40000-49999\nprotocols = udp tcp udp\n" + extra);
    }

    private String error(String text) {
        return assertThrows(ConfigException.class, () -> ServerConfigReader.parse("k.conf", text)).getMessage();
    }

    @Test
    void readsTheSecretRangeProtocolsAndPeriod() {
        SequenceConfig ssh = ServerConfigReader.parse("k.conf", derived("period = 10s\n")).sequences().getFirst();
        assertTrue(ssh.sequence().timeDerived());
        assertEquals(List.of(), ssh.sequence().steps(), "no fixed steps beside derived ones");
        assertEquals(3, ssh.sequence().length());
        TimeDerivedSteps d = ssh.sequence().derived();
        assertEquals(new PortRange(40000, 49999), d.range());
        assertEquals(List.of(Protocol.UDP, Protocol.TCP, Protocol.UDP), d.protocols());
        assertEquals(Duration.ofSeconds(10), d.period());
        assertEquals(new TimeDerivedSteps(VECTOR, new PortRange(40000, 49999),
                List.of(Protocol.UDP, Protocol.TCP, Protocol.UDP), Duration.ofSeconds(10)), d, "not the file's secret");
        assertEquals(Duration.ofSeconds(30), ServerConfigReader.parse("k.conf", derived("")).sequences().getFirst()
                .sequence().derived().period(), "TOTP's 30 s is the default");
    }

    @Test
    void aRelativeSecretFileIsTheConfigFilesNeighbour() throws IOException {
        Path config = Files.writeString(dir.resolve("knock.conf"), section("secret-file = ssh.secret\n"
                + "port-range = 40000-49999\nprotocols = udp\n"));
        assertTrue(ServerConfigReader.read(config).sequences().getFirst().sequence().timeDerived());
    }

    @Test
    void stepsAndTimeDerivedKeysTogetherBlameTheLaterLine() {
        assertEquals("k.conf:6: [sequence ssh] has both steps and secret-file (expected: either steps, or "
                + "secret-file, port-range and protocols (time-derived))", error(derived("steps = 7000/udp\n")));
        assertEquals("k.conf:4: [sequence ssh] has both steps and period (expected: either steps, or secret-file, "
                + "port-range and protocols (time-derived))", error(section("steps = 7000/udp\nperiod = 10s\n")));
    }

    @Test
    void neitherStepsNorTimeDerivedKeysBlameTheSection() {
        assertEquals("k.conf:1: [sequence ssh] has no 'steps' (expected: either steps, or secret-file, port-range "
                + "and protocols (time-derived))", error(section("")));
    }

    @Test
    void aMissingTimeDerivedKeyBlamesTheSection() {
        assertEquals("k.conf:1: [sequence ssh] has no 'port-range' (expected: port-range = FIRST-LAST, ports "
                + "1-65535, such as 40000-49999)", error(section("secret-file = " + secret + "\nprotocols = udp\n")));
        assertEquals("k.conf:1: [sequence ssh] has no 'secret-file' (expected: secret-file = a file holding the "
                + "secret in base32, mode 600)", error(section("port-range = 40000-49999\nprotocols = udp\n")));
        assertTrue(error(section("secret-file = " + secret + "\nport-range = 40000-49999\n"))
                .startsWith("k.conf:1: [sequence ssh] has no 'protocols' (expected: protocols = tcp or udp per step"));
    }

    @Test
    void badValuesNameTheirLine() {
        assertEquals("k.conf:4: port range '40000:49999' (expected: FIRST-LAST, ports 1-65535, such as "
                + "40000-49999)", error(derived("").replace("40000-49999", "40000:49999")));
        assertEquals("k.conf:4: port range 40000-40049 holds 50 ports (expected: at least 100)",
                error(derived("").replace("40000-49999", "40000-40049")));
        assertTrue(error(derived("").replace("udp tcp udp", "udp icmp"))
                .startsWith("k.conf:5: protocol 'icmp' (expected: tcp or udp per step"));
        assertEquals("k.conf:6: period 1s (expected: 2s-1h)", error(derived("period = 1s\n")));
        assertEquals("k.conf:6: period 2h (expected: 2s-1h)", error(derived("period = 2h\n")));
        assertEquals("k.conf:6: period 2500ms (expected: whole seconds, 2s-1h)", error(derived("period = 2500ms\n")));
        assertEquals("k.conf:6: scan-adjacent 11 with time-derived ports (expected: 0-10: the ports of one time "
                + "step lie more than 10 apart)", error(derived("scan-adjacent = 11\n")));
        assertEquals("k.conf:4: port-range 1-1000 with tcp steps is within scan-adjacent 1 of guard-port 22 "
                + "(expected: knock ports away from the guarded port)",
                error(derived("").replace("40000-49999", "1-1000")));
        assertEquals(1, ServerConfigReader.parse("k.conf", derived("").replace("40000-49999", "1-1000")
                .replace("udp tcp udp", "udp udp")).sequences().size(), "udp steps near the guarded tcp port");
    }

    @Test
    void aSecretFileOthersMayReadIsRefusedAsSshRefusesAKey() throws IOException {
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("k.conf:3: secret-file " + secret + " is open to others (mode 0644; expected: chmod 600, as "
                + "ssh requires of private keys)", error(derived("")));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        assertTrue(error(derived("")).startsWith("k.conf:3: secret-file " + secret + " is open to its group"));
    }

    @Test
    void aMissingShortOrGarbledSecretBlamesTheSecretFileLine() throws IOException {
        Files.delete(secret);
        assertEquals("k.conf:3: secret-file " + secret + ": no such file (expected: a file holding the secret in "
                + "base32)", error(derived("")));
        secretFile();
        Files.writeString(secret, "JBSWY3DPEE\n");
        assertEquals("k.conf:3: secret-file " + secret + ": secret of 6 bytes (expected: at least 16)",
                error(derived("")));
        Files.writeString(secret, "not base32!\n");
        assertTrue(error(derived("")).startsWith("k.conf:3: secret-file " + secret + ": character '!' at offset 10 "
                + "is not base32"));
    }

    @Test
    void aRangeThatHoldsEverydayTrafficIsAWarning() {
        ServerConfig config = ServerConfigReader.parse("k.conf", derived("").replace("40000-49999", "33000-33999"));
        assertEquals(List.of("k.conf:4: warning: port-range 33000-33999 for udp steps holds everyday traffic, a "
                        + "traceroute's UDP probes (33434-33534/udp): an admitted user who sends it to the box counts "
                        + "as a scan or a wrong step and loses the port (expected: a step no everyday tool sends)"),
                config.warnings().stream().map(Object::toString).toList());
    }
}
