package knock.client.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.config.ConfigException;
import knock.sequence.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileFileTest {

    private static ProfileFile parse(String text) {
        return ProfileFile.parse("config", text.lines().toList());
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Test
    void aHostBlockGivesEveryKeyword() {
        Profile p = parse("""
                # the firewall
                Host fw
                    HostName 198.18.0.11
                    KnockAddress 198.18.0.1
                    Sequence 7000/tcp 8000/udp icmp/64
                    Delay 100ms
                    AddressFamily inet
                    Port 2222
                    Wait 5s
                """).lookup("fw");
        assertEquals("198.18.0.11", p.hostName());
        assertEquals("198.18.0.1", p.knockAddress());
        assertEquals(List.of(Step.tcp(7000), Step.udp(8000), Step.icmp(64)), p.steps());
        assertEquals(Duration.ofMillis(100), p.delay());
        assertEquals(AddressFamily.INET, p.family());
        assertEquals(2222, p.port());
        assertEquals(Duration.ofSeconds(5), p.waitFor());
    }

    @Test
    void theFirstMatchingValueWinsPerKeywordAsInSshConfig() {
        ProfileFile file = parse("""
                Host fw
                    Sequence 7000
                Host *.example.org fw
                    Sequence 9999
                    Delay 50ms
                Host *
                    Port 2200
                    Delay 1s
                """);
        Profile fw = file.lookup("fw");
        assertEquals(List.of(Step.tcp(7000)), fw.steps(), "the specific block comes first and wins");
        assertEquals(Duration.ofMillis(50), fw.delay(), "a later block fills what the first left open");
        assertEquals(2200, fw.port(), "Host * fills the rest");
        assertEquals(List.of(Step.tcp(9999)), file.lookup("gw.EXAMPLE.org").steps(), "patterns ignore case");
        assertTrue(file.lookup("other").steps().isEmpty(), "no block with a Sequence matches 'other'");
        assertEquals("other", file.lookup("other").hostName(), "HostName defaults to the host itself");
    }

    @Test
    void wildcardsAndNegationMatchAsSshDoes() {
        ProfileFile file = parse("""
                Host fw? *.lan !bastion.lan
                    Sequence 7000
                """);
        assertFalse(file.lookup("fw1").steps().isEmpty(), "? matches one character");
        assertTrue(file.lookup("fw12").steps().isEmpty(), "? matches only one character");
        assertFalse(file.lookup("a.b.lan").steps().isEmpty(), "* matches dots too");
        assertTrue(file.lookup("bastion.lan").steps().isEmpty(), "a negated pattern excludes the host");
        assertTrue(HostPattern.glob("*a*b*c", 0, "xxaxxbxxbxc", 0), "backtracking over several stars");
        assertFalse(HostPattern.glob("*a*b*c", 0, "xxaxxbxxbx", 0));
    }

    @Test
    void keywordsAreCaseInsensitiveAndTakeEqualsSigns() {
        Profile p = parse("""
                host fw
                  SEQUENCE=7000:udp,8000
                  addressfamily = inet6
                """).lookup("fw");
        assertEquals(List.of(Step.udp(7000), Step.tcp(8000)), p.steps());
        assertEquals(AddressFamily.INET6, p.family());
    }

    @Test
    void linesBeforeTheFirstHostApplyToEveryHost() {
        ProfileFile file = parse("""
                Delay 20ms
                Host fw
                    Delay 1s
                    Sequence 7000
                """);
        assertEquals(Duration.ofMillis(20), file.lookup("fw").delay(), "the global line comes first, so it wins");
        assertEquals(Duration.ofMillis(20), file.lookup("any").delay());
    }

    @Test
    void waitTakesYesNoOrADuration() {
        assertEquals(Profile.DEFAULT_WAIT, parse("Wait yes").lookup("x").waitFor());
        assertEquals(Duration.ZERO, parse("Wait no").lookup("x").waitFor());
        assertEquals(Duration.ofMinutes(1), parse("Wait 1m").lookup("x").waitFor());
        assertEquals(Duration.ZERO, parse("").lookup("x").waitFor(), "no Wait: no waiting");
        assertNull(parse("").lookup("x").knockAddress());
    }

    @Test
    void errorsNameFileLineValueAndExpectation() {
        assertEquals("config:3: step port 70000 (expected: 1-65535)", error("""
                # comment
                Host fw
                    Sequence 7000 70000
                """));
        assertEquals("config:2: unknown keyword 'Sequense' (expected one of: Host, HostName, KnockAddress,"
                + " Sequence, Delay, AddressFamily, Port, Wait, ServerKey, SpaPort, SpaSequence, IdentityFile, SpaAdmit,"
                + " SecretFile,"
                + " PortRange, Protocols, Period)", error("Host fw\n  Sequense 7000\n"));
        assertEquals("config:1: Host without patterns (expected: Host PATTERN...)", error("Host\n"));
        assertEquals("config:1: Port without a value (expected: a port 1-65535)", error("Port\n"));
        assertEquals("config:1: Port 0 (expected: 1-65535)", error("Port 0\n"));
        assertEquals("config:1: AddressFamily 'inet5' (expected: inet, inet6 or any)", error("AddressFamily inet5"));
        assertTrue(error("Delay soon").startsWith("config:1: Delay 'soon' (expected: a duration"), error("Delay soon"));
        assertTrue(error("Host a\nHost b\nSequence 7000/sctp").startsWith("config:3: step '7000/sctp': unknown protocol"));
        assertEquals("config:1: KnockAddress 'a b' (expected: a host name or address)", error("KnockAddress a b"));
    }

    @Test
    void aBadLineInABlockForAnotherHostIsStillAnError() {
        assertThrows(ConfigException.class, () -> parse("Host other\n  Port 99999\nHost fw\n  Sequence 7000\n"));
    }

    @Test
    void aMissingDefaultFileIsNoProfilesButAMissingDashFFileIsAnError(@TempDir Path dir) throws IOException {
        Path absent = dir.resolve("config");
        assertTrue(ProfileFile.read(absent, "config", false).lookup("fw").steps().isEmpty());
        assertEquals("missing.conf: no such file",
                assertThrows(ConfigException.class, () -> ProfileFile.read(absent, "missing.conf", true)).getMessage());
        Files.writeString(absent, "Host fw\n  Sequence 7000/udp\n");
        assertEquals(List.of(Step.udp(7000)), ProfileFile.read(absent, "config", true).lookup("fw").steps());
        assertEquals("d: is a directory (expected: a profile file)",
                assertThrows(ConfigException.class, () -> ProfileFile.read(dir, "d", true)).getMessage());
    }

    @Test
    void aCommentAfterAValueIsCutAsSshConfigCutsIt() {
        Profile p = parse("""
                Host fw fw.example.org # the firewall
                    HostName 198.18.0.11             # where to connect
                    KnockAddress=198.18.0.1	# where to knock
                    Sequence 7000/tcp 8000/udp icmp/173  # the knock
                    Port 22 #
                    Wait 5s # seconds
                """).lookup("fw.example.org");
        assertEquals("198.18.0.11", p.hostName());
        assertEquals("198.18.0.1", p.knockAddress());
        assertEquals(List.of(Step.tcp(7000), Step.udp(8000), Step.icmp(173)), p.steps());
        assertEquals(22, p.port());
        assertEquals(Duration.ofSeconds(5), p.waitFor());
    }

    @Test
    void aHashInsideAWordIsNoComment() {
        assertEquals("config:1: Wait '5s#soon' (expected: a duration such as 100ms, 10s, 2m, at most 24h)",
                error("Wait 5s#soon"));
        assertEquals("config:1: Port without a value (expected: a port 1-65535)", error("Port # none"));
        assertEquals("config:1: Port without a value (expected: a port 1-65535)", error("Port=# none"));
    }

    @Test
    void moreStepsThanAServerTakesAreAnError() {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            steps.append(10_000 + i * 10).append(' ');
        }
        assertEquals("config:2: Sequence: 65 steps (expected: at most 64, as knock-server takes)",
                error("Host fw\n  Sequence " + steps + "\n"));
    }

    private static final String SERVER_KEY = "7BMyp3v1Ll3wkXkNB/GvP7ldxYDlbUr+wM8R6nHlyG4=";

    @Test
    void serverKeyTurnsOnASignedKnockWithDefaults() {
        Profile p = parse("Host fw\n  ServerKey " + SERVER_KEY + "\n").lookup("fw");
        assertEquals(new SignedKnock(java.util.Base64.getDecoder().decode(SERVER_KEY), 62201, "ssh", null, null), p.signed());
        assertTrue(p.knocks());
        Profile q = parse("Host fw\n  ServerKey " + SERVER_KEY + "\n  SpaPort 4000\n  SpaSequence db\n"
                + "  IdentityFile ~/.ssh/knock_ed25519\n  SpaAdmit 203.0.113.7\n").lookup("fw");
        assertEquals(new SignedKnock(java.util.Base64.getDecoder().decode(SERVER_KEY), 4000, "db",
                "~/.ssh/knock_ed25519", java.net.InetAddress.ofLiteral("203.0.113.7")), q.signed());
        assertNull(parse("Host fw\n  ServerKey " + SERVER_KEY + "\n  SpaAdmit source\n").lookup("fw").signed().admit());
        assertEquals("config:3: SpaAdmit 'fw.example.org' (expected: source, or an IPv4 or IPv6 address)",
                error("Host fw\n  ServerKey " + SERVER_KEY + "\n  SpaAdmit fw.example.org\n"));
        assertEquals(null, parse("Host fw\n  Sequence 7000\n").lookup("fw").signed());
    }

    @Test
    void aBadServerKeyOrSpaKeywordsWithoutOneAreOneLine() {
        assertEquals("config:2: ServerKey 'AAAA' (expected: 44 characters of base64, a key knock-server keygen "
                + "printed)", error("Host fw\n  ServerKey AAAA\n"));
        assertEquals("config:2: SpaSequence 'SSH!' (expected: a sequence name of the server, such as ssh)",
                error("Host fw\n  SpaSequence SSH!\n"));
        assertEquals("config: host fw: SpaPort without ServerKey (expected: ServerKey, the server's public key, to "
                + "sign knocks)", assertThrows(ConfigException.class,
                        () -> parse("Host fw\n  SpaPort 4000\n").lookup("fw")).getMessage());
    }
}
