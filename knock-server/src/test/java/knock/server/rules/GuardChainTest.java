package knock.server.rules;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import knock.server.GuardedPortTest;
import knock.server.config.ServerConfigReader;
import knock.testnet.NetnsTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guard chain against real iptables in namespaces, in both modes and both families: whatever a source
 * that is not admitted sends to the guarded port (or any other), it gets no answer at all, however fast it
 * sends; the connection limit answers only admitted sources.
 */
@NetnsTest
class GuardChainTest extends GuardedPortTest {

    /** Ports around the guarded one: a stranger must find 22 exactly as silent as its neighbours. */
    private static final int[] PORTS = {21, 22, 23, 80, 443};
    private static final int[] BURSTS = {2, 5, 20};

    private static String config(String extra) {
        return """
                [sequence ssh]
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                """ + extra;
    }

    private void load(String extra, Mode mode) {
        loadRules(ServerConfigReader.parse("test.conf", config(extra)), mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aStrangersBurstOfSynsGetsNoAnswerFromAnyPort(Mode mode) {
        load("max-connections = 1\n", mode);
        assertSilent("never knocked, " + mode + " mode");
        // The listener is there and the rules let an admitted source in: silence above was the firewall's.
        client.knockUdp(KNOCK4, 7000);
        client.knockUdp(KNOCK6, 7000);
        if (mode == Mode.DAEMON) {
            fw.writeFile(Path.of("/proc/net/xt_recent/ssh4"), "+" + CLIENT4);
            fw.writeFile(Path.of("/proc/net/xt_recent/ssh6"), "+" + CLIENT6);
        }
        assertOpens(client, 4, "once admitted");
        assertOpens(client, 6, "once admitted");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSourceWhoseWindowEndedGetsNoAnswer(Mode mode) {
        load("window = 1s\nhold-off = 0\n", mode);
        // As a replayed knock (kernel mode) or a daemon that died (daemon mode) would leave it: listed, stale.
        fw.writeFile(Path.of("/proc/net/xt_recent/ssh4"), "+" + SCANNER4);
        fw.writeFile(Path.of("/proc/net/xt_recent/ssh6"), "+" + SCANNER6);
        assertOpens(scanner, 4, "while listed");
        assertOpens(scanner, 6, "while listed");
        sleep(Duration.ofMillis(1600));
        assertTrue(listed("ssh4", SCANNER4), "the stale entry must still be on ssh4 for this test to mean anything");
        assertSilent("listed, window over, " + mode + " mode");
    }

    @org.junit.jupiter.api.Test
    void daemonModeLogsEachNewConnectionOfAnAdmittedSourceOnly() {
        load("", Mode.DAEMON);
        assertSilent("never knocked, daemon mode");
        assertEquals(0, nflogged(4) + nflogged(6), "a stranger's SYNs reached the daemon's NFLOG group");
        fw.writeFile(Path.of("/proc/net/xt_recent/ssh4"), "+" + CLIENT4);
        fw.writeFile(Path.of("/proc/net/xt_recent/ssh6"), "+" + CLIENT6);
        assertOpens(client, 4, "once admitted");
        assertEquals(1, nflogged(4), "the admitted client's connection over IPv4 was not logged once");
        assertOpens(client, 6, "once admitted");
        assertEquals(1, nflogged(6), "the admitted client's connection over IPv6 was not logged once");
    }

    /** Packets the guard chain's NFLOG rule copied to the daemon, from the rule's counter. */
    private long nflogged(int family) {
        String save = fw.exec(family == 4 ? "iptables-save" : "ip6tables-save", "-c", "-t", "filter").orThrow().stdout();
        return save.lines().filter(l -> l.contains("-A guard-ssh ") && l.contains("-j NFLOG"))
                .mapToLong(l -> Long.parseLong(l.substring(1, l.indexOf(':'))))
                .sum();
    }

    /** Bursts of 2, 5 and 20 SYNs from the scanner to each port, both families: every one unanswered. */
    private void assertSilent(String who) {
        List<String> answered = new ArrayList<>();
        for (String address : List.of(SSH4, SSH6)) {
            for (int count : BURSTS) {
                answered.addAll(burstAnswers(scanner, address, count, PORTS));
            }
        }
        assertEquals(List.of(), answered, "the scanner (" + who + ") got answers:\n" + String.join("\n", answered));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
