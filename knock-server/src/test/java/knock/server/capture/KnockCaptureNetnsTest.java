package knock.server.capture;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.KNOCK4;
import static knock.testnet.TestNetwork.KNOCK6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import knock.net.Address;
import knock.net.NativeException;
import knock.net.NflogSocket;
import knock.server.Knock;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.Host;
import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;

/**
 * The capture for real, on the shared {@link TestNetwork}: fw has the daemon-mode ruleset (policy DROP, NFLOG
 * rules for the knock ports and their neighbours), so every knock here is one netfilter drops after copying it.
 * <pre>
 *   client 198.18.0.2, fd6b:6e6f:636b::2  eth0 --- br0 --- eth0  fw 198.18.0.1, fd6b:6e6f:636b::1
 *                                                                   (INPUT: NFLOG group 56625, DROP)
 * </pre>
 */
@NetnsTest
class KnockCaptureNetnsTest {

    private static final byte[] KNOCK = "knock".getBytes(StandardCharsets.US_ASCII);

    private static final String CONFIG = """
            [sequence one]
            steps = 7000/tcp 8000/udp icmp/64
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            """;

    private static TestNetwork net;
    private static Host fw;
    private static Host client;

    @BeforeAll
    static void network() {
        net = TestNetwork.create();
        fw = net.fw();
        client = net.client();
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        fw.loadRules(4, Ruleset.render(config, 4, Mode.DAEMON));
        fw.loadRules(6, Ruleset.render(config, 6, Mode.DAEMON));
    }

    @AfterAll
    static void cleanup() {
        if (net != null) {
            net.close();
        }
    }

    private static KnockSink recording(List<String> events) {
        return k -> events.add(describe(k));
    }

    @Test
    void seesEveryKnockInInputAndTheRulesKeepTheRestInTheKernel() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, recording(events)));
        capture.start();
        try (capture) {
            assertEquals("nflog-group=56625 interfaces=all", capture.toString());
            client.knockUdp(KNOCK4, 8000, KNOCK);
            client.knockUdp(KNOCK4, 5555, KNOCK);
            client.knockTcpSyn(KNOCK4, 7000);
            client.knockTcpSyn(KNOCK4, 443);
            client.knockIcmp(KNOCK4, 64);
            client.knockUdp(KNOCK6, 8000, KNOCK);
            client.knockTcpSyn(KNOCK6, 7001);
            client.knockTcpSyn(KNOCK6, 443);
            client.knockIcmp(KNOCK6, 64);
            client.knockIcmp(KNOCK6, 100);
            List<String> expected = List.of(
                    "198.18.0.2 > 198.18.0.1 8000/udp",
                    "198.18.0.2 > 198.18.0.1 7000/tcp",
                    "198.18.0.2 > 198.18.0.1 icmp/64",
                    "fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 8000/udp",
                    "fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 7001/tcp",
                    "fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 icmp/64",
                    "fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 icmp/100");
            awaitSize(events, expected.size());
            // Proof the rest was judged in the kernel: a knock sent after them all arrives, and nothing before it.
            client.knockUdp(KNOCK4, 8001, KNOCK);
            awaitSize(events, expected.size() + 1);
            List<String> all = new ArrayList<>(expected);
            all.add("198.18.0.2 > 198.18.0.1 8001/udp");
            assertEquals(all, List.copyOf(events), "knocks copied from INPUT");
            assertEquals(all.size(), capture.packets(), "UDP 5555 and TCP 443 must stay in the kernel");
            assertEquals(0, capture.malformed() + capture.fragments() + capture.errors() + capture.dropped(),
                    "drops or errors");
            long start = System.nanoTime();
            capture.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(closeMillis < 500, "close took " + closeMillis + " ms: the wakeup did not stop the thread");
        }
    }

    @Test
    void aCaptureForNamedInterfacesIgnoresTheOthersAndAMissingInterfaceIsNamed() throws Exception {
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = lo eth0\n" + CONFIG);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, recording(events)));
        capture.start();
        try (capture) {
            assertEquals("nflog-group=56625 interfaces=lo,eth0", capture.toString());
            client.knockUdp(KNOCK6, 7999, KNOCK);
            awaitSize(events, 1);
            assertEquals(List.of("fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 7999/udp"), events);
        }
        ServerConfig loOnly = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = lo\n" + CONFIG);
        events.clear();
        KnockCapture lo = fw.call(() -> KnockCapture.open(loOnly, recording(events)));
        lo.start();
        try (lo) {
            client.knockUdp(KNOCK6, 7999, KNOCK);
            assertTrue(TestNetwork.eventually(java.time.Duration.ofSeconds(5), () -> lo.ignored() == 1),
                    "the knock on eth0 was not judged");
            assertEquals(List.of(), events, "a knock on an interface not watched");
        }
        ServerConfig missing = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = kcnone0\n" + CONFIG);
        NativeException e = assertThrows(NativeException.class, () -> fw.call(() -> KnockCapture.open(missing,
                k -> { })));
        assertTrue(e.getMessage().contains("kcnone0") && e.getMessage().contains("ENODEV"),
                "error for a missing interface: " + e);
    }

    /** What a SIGHUP does: the next capture opens while the running one reads, then takes over. */
    @Test
    void aReloadSharesTheGroupAndMissesNothingInTheSwitch() throws Exception {
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        List<String> second = Collections.synchronizedList(new ArrayList<>());
        KnockCapture running = fw.call(() -> KnockCapture.open(config, recording(first)));
        running.start();
        KnockCapture next = fw.call(() -> KnockCapture.open(config, recording(second)));
        try (running; next) {
            client.knockUdp(KNOCK4, 8000, KNOCK);
            awaitSize(first, 1);
            running.close();
            client.knockUdp(KNOCK4, 7999, KNOCK); // while no thread reads: it waits in the socket's queue
            next.start();
            client.knockUdp(KNOCK4, 8001, KNOCK);
            awaitSize(second, 2);
            assertEquals(List.of("198.18.0.2 > 198.18.0.1 8000/udp"), first);
            assertEquals(List.of("198.18.0.2 > 198.18.0.1 7999/udp", "198.18.0.2 > 198.18.0.1 8001/udp"), second);
        }
        // Both closed: the group is free again.
        fw.call(() -> NflogSocket.open(56625, 128)).close();
    }

    @Test
    void aGroupHeldByAnotherSocketIsNamedAsTaken() {
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\nnflog-group = 4242\n" + CONFIG);
        NflogSocket other = fw.call(() -> NflogSocket.open(4242, 128));
        try (other) {
            NativeException e = assertThrows(NativeException.class,
                    () -> fw.call(() -> KnockCapture.open(config, k -> { })));
            assertTrue(e.getMessage().contains("nflog group 4242 is taken: is another knock-server running?"),
                    e.getMessage());
        }
    }

    @Test
    void craftedPacketsTheKernelDropsNeverReachTheCapture() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, recording(events)));
        capture.start();
        String a4 = "198.18.0.2";
        String b4 = "198.18.0.1";
        String a6 = "fd6b:6e6f:636b::2";
        String b6 = "fd6b:6e6f:636b::1";
        byte[] badChecksum = ipv4(a4, b4, UDP, udp(8000, 4));
        badChecksum[10] ^= 0x55;
        byte[] cut = ipv4(a4, b4, UDP, udp(8000, 40));
        cut = Arrays.copyOf(cut, cut.length - 20);
        byte[][] longChain = new byte[10][];
        Arrays.fill(longChain, 0, 9, ext(60, 1));
        longChain[8] = ext(17, 1);
        longChain[9] = udp(8000, 0);
        List<byte[]> v4 = List.of(
                ipv4(a4, b4, UDP, 100, udp(8000, 0)),            // a lone non-first fragment
                ipv4(a4, b4, TCP, tcp(7000, SYN | ACK)),         // SYN-ACK: no rule copies it
                ipv4(a4, b4, ICMP, 0x2000, icmp(8, 64)),         // a first fragment never completed
                badChecksum,
                cut,
                ipv4(a4, b4, UDP, udp(8000, 4)));                // the knock after them
        List<byte[]> v6 = List.of(
                ipv6(a6, b6, 44, fragment(17, 8, false), new byte[16]),   // a lone non-first fragment
                ipv6(a6, b6, 44, fragment(58, 0, true), icmp(128, 64)),   // a first fragment never completed
                ipv6(a6, b6, 60, longChain),                              // nine extension headers: malformed
                ipv6(a6, b6, 0, ext(60, 1), ext(17, 2), udp(8000, 0)));   // a knock behind two headers
        byte[] mac = fw.mac("eth0");
        try (capture) {
            client.sendFrames("eth0", ETH_IPV4, mac, v4);
            client.sendFrames("eth0", ETH_IPV6, mac, v6);
            awaitSize(events, 2);
            Thread.sleep(100);
            assertEquals(List.of("198.18.0.2 > 198.18.0.1 8000/udp", "fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 8000/udp"),
                    events, "knocks");
            assertEquals(3, capture.packets(), "packets copied: the two knocks and the long chain ip6tables matched");
            assertEquals(1, capture.malformed(), "the nine-header chain");
            assertEquals(0, capture.fragments(), "fragments: conntrack holds them, INPUT never sees one");
        }
    }

    private static String describe(Knock k) {
        return Address.format(k.family(), k.srcHi(), k.srcLo()) + " > " + Address.format(k.family(), k.dstHi(), k.dstLo())
                + " " + k.step();
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
