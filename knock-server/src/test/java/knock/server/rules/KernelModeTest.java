package knock.server.rules;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.server.GuardedPortTest;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.testnet.Connection;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import knock.server.ExampleConfigs;
import knock.config.ConfigException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * The rulesets of {@code knock-server rules} against real iptables in namespaces, with a real listener on
 * fw's SSH address, port 22: kernel mode knocks and scans, the window, IPv6, and that every example loads.
 */
@NetnsTest
class KernelModeTest extends GuardedPortTest {

    private static final String THREE_STEPS = """
            [sequence ssh]
            steps = 7000/tcp 8000/udp icmp/64
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            guard-address = 198.18.0.11 fd6b:6e6f:636b::11
            hold-off = 0
            """;

    /**
     * The probe's own connection may still be closing (FIN) when the next probe starts, and connlimit REJECTs an
     * admitted source with one connection too many: tests that probe an admitted client often turn it off.
     */
    private static final String NO_CONNLIMIT = "max-connections = 0\n";

    private void load(String configText, Mode mode) {
        loadRules(ServerConfigReader.parse("test.conf", configText), mode);
    }

    private static String singleUdp(String extra) {
        return """
                [sequence ssh]
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                """ + extra;
    }

    /** Connects the client to SSH4:22 once the probe's own connection has closed (connlimit counts it). */
    private Connection connectOnceFree() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return client.connect(SSH4, 22, PROBE);
            } catch (IOException e) {
                last = e;
                sleep(Duration.ofMillis(50));
            }
        }
        throw last;
    }

    @Test
    void beforeAnyKnockPort22IsHidden() {
        load(THREE_STEPS, Mode.KERNEL);
        assertHidden(client, 4, "before any knock");
        assertHidden(client, 6, "before any knock");
        load(THREE_STEPS, Mode.DAEMON);
        assertHidden(client, 4, "before any knock (daemon-mode ruleset)");
    }

    @Test
    void oneUdpKnockOpensForTheClientOnly() {
        load(singleUdp(""), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after the UDP knock");
        assertHidden(scanner, 4, "who did not knock");
        assertTrue(fw.readList("ssh4").contains(CLIENT4), "the client is not on ssh4: " + fw.readList("ssh4"));
    }

    /**
     * INPUT sees a packet whose routing header names the box as a waypoint with a segment left, though the kernel
     * forwards it and never delivers it: kernel mode, as the daemon, takes it for no scan. The RETURN rule's
     * counter proves the kernel judged it; the same spoofed frame without the header does evict the client.
     */
    @Test
    void aRoutingHeaderWithASegmentLeftIsNoScanButTheSameFrameWithoutItIs() {
        load(singleUdp("hold-off = 0\n" + NO_CONNLIMIT), Mode.KERNEL);
        client.knockUdp(KNOCK6, 7000);
        assertTrue(eventually(SETTLE, () -> listed("ssh6", CLIENT6)), "not admitted: " + fw.readList("ssh6"));
        byte[] mac = fw.mac("eth0");
        scanner.sendFrames("eth0", 0x86dd, mac, List.of(ipv6(CLIENT6, KNOCK6, 43, routing(17, 1, 3),
                udp(7001, 4))));
        assertTrue(eventually(SETTLE, () -> returned() == 1), "the kernel did not judge the routed frame: "
                + returned());
        assertTrue(listed("ssh6", CLIENT6), "a waypoint's packet evicted the client");
        scanner.sendFrames("eth0", 0x86dd, mac, List.of(ipv6(CLIENT6, KNOCK6, UDP, udp(7001, 4))));
        assertTrue(eventually(SETTLE, () -> !listed("ssh6", CLIENT6)), "the control frame did not evict the client");
    }

    /** Packets the knock chain's routing-header RETURN rule took, read from ip6tables' counters. */
    private long returned() {
        String rules = fw.exec("ip6tables", "-w", "-S", "knock-ssh", "-v").orThrow().stdout();
        return rules.lines().filter(l -> l.contains("--rt-segsleft") && l.contains("RETURN"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*-c (\\d+) \\d+.*", "$1"))).sum();
    }

    @Test
    void anAdjacentPortHitHidesItAgain() {
        load(singleUdp("hold-off = 0\n" + NO_CONNLIMIT), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after the knock");
        client.knockUdp(KNOCK4, 7001);
        assertHidden(client, 4, "after a hit on 7001, next to the knock port");
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after knocking again");
        client.knockUdp(SSH4, 6999);
        assertHidden(client, 4, "after a hit on 6999 on the other address");
    }

    @Test
    void aKnockOnTheOtherAddressHidesItAgain() {
        load(singleUdp("hold-off = 0\n" + NO_CONNLIMIT), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after the knock");
        client.knockUdp(SSH4, 7000);
        assertHidden(client, 4, "after the knock port was hit on fw's other address");
        assertFalse(fw.readList("ssh4").contains(CLIENT4), "the client is still on ssh4");
    }

    @Test
    void aSecondKnockWithinTheHoldOffOfAnUnusedAdmissionHidesItAgain() {
        load(singleUdp("hold-off = 5m\n"), Mode.KERNEL);
        for (int family : new int[] {4, 6}) {
            String list = "ssh" + family;
            String knock = family == 4 ? KNOCK4 : KNOCK6;
            String source = family == 4 ? CLIENT4 : CLIENT6;
            client.knockUdp(knock, 7000);
            assertTrue(listed(list, source), "the first knock did not admit the client to " + list);
            assertTrue(listed(list + ".hold", source), "the first knock did not start the hold-off");
            client.knockUdp(knock, 7000);
            assertFalse(listed(list, source), "a second knock with no connection between must hide the port");
            assertHidden(client, family, "after a second knock within the hold-off, with no connection between");
            client.knockUdp(knock, 7000);
            assertFalse(listed(list, source), "a third knock within the hold-off must not admit");
            assertHidden(client, family, "after a third knock within the hold-off");
        }
    }

    @Test
    void aConnectionEndsTheHoldOffSoTheUserMayKnockAgain() throws IOException {
        load(singleUdp("hold-off = 5m\n"), Mode.KERNEL);
        for (int family : new int[] {4, 6}) {
            String list = "ssh" + family;
            String knock = family == 4 ? KNOCK4 : KNOCK6;
            String source = family == 4 ? CLIENT4 : CLIENT6;
            for (int round = 1; round <= 3; round++) {
                client.knockUdp(knock, 7000);
                assertTrue(listed(list, source), "knock " + round + " did not admit the client to " + list);
                assertOpens(client, family, "after knock " + round + " (a connection, as ssh or scp makes)");
                assertFalse(listed(list + ".hold", source), "the connection did not end the hold-off");
            }
            // A connection ended the hold-off of that admission only: the next knock starts a new one.
            client.knockUdp(knock, 7000);
            client.knockUdp(knock, 7000);
            assertFalse(listed(list, source), "two knocks in a row with no connection between must hide the port");
        }
        // The scanner's connection attempts never touch the client's hold-off, nor start one of its own.
        scanner.knockUdp(KNOCK4, 7000);
        scanner.knockUdp(KNOCK4, 7000);
        assertFalse(listed("ssh4", SCANNER4), "a scanner repeating the knock port must stay hidden");
    }

    @Test
    void threeStepsInOrderOpen() {
        load(THREE_STEPS, Mode.KERNEL);
        knock(client, 4, 8000);
        assertOpens(client, 4, "after TCP SYN, UDP, ICMP in order");
        assertHidden(scanner, 4, "who did not knock");
    }

    @Test
    void aWrongPortInTheMiddleStartsTheSourceOver() {
        load(THREE_STEPS, Mode.KERNEL);
        knock(client, 4, 8001);
        client.knockUdp(KNOCK4, 8000);
        client.knockIcmp(KNOCK4, 64);
        assertHidden(client, 4, "after a wrong port in the middle and the later steps");
        client.knockUdp(KNOCK4, 8000);
        client.knockIcmp(KNOCK4, 64);
        assertHidden(client, 4, "after the later steps alone");
        assertEquals(List.of(), fw.readList("ssh4.1"), "a broken sequence must leave every list");
        knock(client, 4, 8000);
        assertOpens(client, 4, "after a fresh sequence in order");
    }

    @Test
    void stepsOutOfOrderDoNotOpen() {
        load(THREE_STEPS, Mode.KERNEL);
        client.knockUdp(KNOCK4, 8000);
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockIcmp(KNOCK4, 64);
        assertHidden(client, 4, "after the steps out of order");
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockUdp(KNOCK4, 8000);
        client.knockIcmp(KNOCK4, 65);
        assertHidden(client, 4, "after an ICMP echo of the wrong size");
    }

    @Test
    void anEstablishedConnectionOutlivesTheWindowANewOneIsHidden() throws IOException {
        load(singleUdp("window = 2s\n"), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after the knock");
        try (Connection established = connectOnceFree()) {
            sleep(Duration.ofMillis(2500));
            assertEquals(Reach.HIDDEN, ssh(client, 4), "a new connection after the window must get no answer");
            byte[] hello = "still here".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(hello, established.roundTrip(hello), "the established connection stopped working");
        }
    }

    @Test
    void aSecondConnectionAtOnceIsRefused() throws IOException {
        load(singleUdp("max-connections = 1\n"), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertOpens(client, 4, "after the knock");
        try (Connection first = connectOnceFree()) {
            assertEquals(Reach.REJECTED, ssh(client, 4), "a second connection at once must be refused (connlimit)");
            assertTrue(first.isOpen(), "the first connection was closed");
        }
    }

    @Test
    void byDefaultAnOpenSessionAndAnScpBesideItBothGetIn() throws IOException {
        load(singleUdp(""), Mode.KERNEL);
        client.knockUdp(KNOCK4, 7000);
        assertTrue(listed("ssh4", CLIENT4), "the knock did not admit the client");
        // No probe first: a closed connection still counts until nf_conncount collects it, at most once a jiffy.
        try (Connection session = connectOnceFree(); Connection scp = connectOnceFree();
                Connection another = connectOnceFree()) {
            assertEquals(Reach.OPEN, ssh(client, 4), "the default max-connections refused a fourth connection");
            assertTrue(session.isOpen() && scp.isOpen() && another.isOpen(), "a connection was closed");
        }
    }

    @Test
    void ipv6OneUdpKnockOpensForTheClientOnly() {
        load(singleUdp(""), Mode.KERNEL);
        assertHidden(client, 6, "before the knock");
        client.knockUdp(KNOCK6, 7000);
        assertOpens(client, 6, "after the UDP knock");
        assertHidden(scanner, 6, "who did not knock");
        assertHidden(client, 4, "the IPv6 knock must not open IPv4");
        assertTrue(fw.readList("ssh6").contains(CLIENT6), "the client is not on ssh6: " + fw.readList("ssh6"));
    }

    @Test
    void ipv6ThreeStepsInOrderOpenAndAWrongMiddleDoesNot() {
        load(THREE_STEPS, Mode.KERNEL);
        knock(client, 6, 8001);
        client.knockUdp(KNOCK6, 8000);
        client.knockIcmp(KNOCK6, 64);
        assertHidden(client, 6, "after a wrong port in the middle and the later steps");
        knock(client, 6, 8000);
        assertOpens(client, 6, "after TCP SYN, UDP, ICMPv6 in order");
        assertHidden(scanner, 6, "who did not knock");
    }

    @Test
    void everyExampleRulesetLoads(@TempDir Path temp) throws IOException {
        List<Path> examples = ExampleConfigs.files();
        assertTrue(examples.contains(Path.of("../dist/etc/knock-server.conf")),
                "the examples were not found (the test would load nothing): " + examples);
        for (Path file : examples) {
            ServerConfig config = ExampleConfigs.read(file, temp);
            for (Mode mode : Mode.values()) {
                if (mode == Mode.KERNEL && config.sequences().stream().anyMatch(s -> s.signed())) {
                    assertThrows(ConfigException.class, () -> Ruleset.render(config, 4, mode),
                            file + ": kernel mode took a signed sequence");
                    continue;
                }
                for (int family : new int[] {4, 6}) {
                    assertDoesNotThrow(() -> fw.loadRules(family, Ruleset.render(config, family, mode)),
                            file + " " + mode + " IPv" + family);
                }
            }
        }
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
