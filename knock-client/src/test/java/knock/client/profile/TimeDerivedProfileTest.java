package knock.client.profile;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.config.ConfigException;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Step;
import org.junit.jupiter.api.Test;

/** Profile keywords of a time-derived knock: what they read, and one file:line per mistake. */
class TimeDerivedProfileTest {

    private static ProfileFile parse(String text) {
        return ProfileFile.parse("config", text.lines().toList());
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Test
    void readsTheSecretFileRangeProtocolsAndPeriod() {
        Profile p = parse("""
                Host fw
                    SecretFile ~/.config/knock/fw.secret
                    PortRange 40000-49999
                    Protocols udp tcp udp
                    Period 10s
                """).lookup("fw");
        TimeDerivedProfile d = p.derived();
        assertNotNull(d);
        assertEquals(List.of(), p.steps(), "the knock is derived when planned, not read");
        assertEquals(new PortRange(40000, 49999), d.range());
        assertEquals(List.of(Protocol.UDP, Protocol.TCP, Protocol.UDP), d.protocols());
        assertEquals(Duration.ofSeconds(10), d.period());
        assertEquals("config:2", d.where());
        assertEquals(Path.of("/home/me/.config/knock/fw.secret"), d.file("/home/me"));
        assertEquals(Duration.ofSeconds(30), parse("Host fw\n SecretFile /s\n PortRange 40000-49999\n Protocols udp\n")
                .lookup("fw").derived().period(), "the server's default period");
    }

    @Test
    void aRelativeSecretFileIsTheProfileFilesNeighbour() {
        ProfileFile file = ProfileFile.parse("/etc/knock/client", List.of("SecretFile fw.secret",
                "PortRange 40000-49999", "Protocols udp"));
        assertEquals(Path.of("/etc/knock/fw.secret"), file.lookup("fw").derived().file(null));
    }

    @Test
    void aSequenceAndATimeDerivedKnockInOneBlockBlameTheLaterLine() {
        assertEquals("config:3: SecretFile and Sequence in one Host block (expected: either a Sequence, or "
                + "SecretFile, PortRange and Protocols (time-derived))", error("Host fw\n Sequence 7000\n SecretFile /s\n"));
        assertEquals("config:3: Sequence and SecretFile, PortRange, Protocols or Period in one Host block (expected: "
                + "either a Sequence, or SecretFile, PortRange and Protocols (time-derived))",
                error("Host fw\n Period 10s\n Sequence 7000\n"));
    }

    @Test
    void theFirstMatchingBlockWithEitherKindDecides() {
        ProfileFile file = parse("""
                Host fw
                    SecretFile /s
                    PortRange 40000-49999
                    Protocols udp
                Host old
                    Sequence 7000/udp
                Host *
                    Sequence 9000/udp
                Host *
                    Period 10s
                """);
        assertNotNull(file.lookup("fw").derived());
        assertEquals(List.of(), file.lookup("fw").steps(), "Host *'s Sequence mixed into a time-derived host");
        assertEquals(List.of(Step.udp(7000)), file.lookup("old").steps());
        assertNull(file.lookup("old").derived(), "Host *'s Period made a fixed host time-derived");
        assertEquals(List.of(Step.udp(9000)), file.lookup("other").steps());
    }

    @Test
    void aTimeDerivedKnockMissingAPartIsOneLineAtLookup() {
        ProfileFile file = parse("Host fw\n SecretFile /s\n Protocols udp\n");
        assertEquals("config: Host fw has SecretFile but no PortRange (expected: SecretFile, PortRange and Protocols "
                + "together, as the server's secret-file, port-range and protocols)",
                assertThrows(ConfigException.class, () -> file.lookup("fw")).getMessage());
        assertEquals("config: Host fw: port range 40000-40099 holds 100 ports (expected: at least 105, 21 per step)",
                assertThrows(ConfigException.class, () -> parse("Host fw\n SecretFile /s\n PortRange 40000-40099\n"
                        + " Protocols udp udp udp udp udp\n").lookup("fw")).getMessage());
    }

    @Test
    void badValuesNameTheirLine() {
        assertEquals("config:2: port range '40000' (expected: FIRST-LAST, ports 1-65535, such as 40000-49999)",
                error("Host fw\n PortRange 40000\n"));
        assertTrue(error("Host fw\n Protocols udp icmp\n").startsWith("config:2: protocol 'icmp' (expected: tcp or udp"));
        assertEquals("config:2: period 1s (expected: whole seconds, 2s-1h)", error("Host fw\n Period 1s\n"));
    }
}
