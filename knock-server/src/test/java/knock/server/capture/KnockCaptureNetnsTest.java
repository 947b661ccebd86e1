package knock.server.capture;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.KNOCK4;
import static knock.testnet.TestNetwork.KNOCK6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import knock.config.ServerConfig;
import knock.config.ServerConfigReader;
import knock.net.Address;
import knock.net.NativeException;
import knock.net.TestNetns;
import knock.sequence.Protocol;
import knock.testnet.Host;
import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;

/**
 * The capture for real, on the shared {@link TestNetwork}; fw drops all input ({@code iptables -P INPUT DROP},
 * same for IPv6), so every knock here is one netfilter never lets through.
 * <pre>
 *   client 198.18.0.2, fd6b:6e6f:636b::2  eth0 --- br0 --- eth0  fw 198.18.0.1, fd6b:6e6f:636b::1
 *                                                                   (INPUT DROP, KnockCapture)
 * </pre>
 * Neighbours are static (the fixture's): IPv6 neighbour discovery cannot answer through a DROP policy.
 */
@NetnsTest
class KnockCaptureNetnsTest {

    private static final InetAddress FW4 = InetAddress.ofLiteral(KNOCK4);
    private static final byte[] KNOCK = "knock".getBytes(StandardCharsets.US_ASCII);
    private static final String DROP = "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

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
        fw.loadRules(4, DROP);
        fw.loadRules(6, DROP);
    }

    @AfterAll
    static void cleanup() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void seesEveryKnockToDroppedPortsAndTheFilterKeepsTheRestInTheKernel() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockSink sink = k -> events.add(describe(k.family(), k.srcHi(), k.srcLo(), k.dstHi(), k.dstLo(), k.protocol(), k.value()));
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, sink));
        capture.start();
        try (capture) {
            client.knockUdp(KNOCK4, 8000, KNOCK);
            client.knockUdp(KNOCK4, 5555, KNOCK);
            client.knockTcpSyn(KNOCK4, 7000);
            client.knockTcpSyn(KNOCK4, 22);
            client.knockIcmp(KNOCK4, 64);
            client.knockUdp(KNOCK6, 8000, KNOCK);
            client.knockTcpSyn(KNOCK6, 7001);
            client.knockTcpSyn(KNOCK6, 443);
            client.knockIcmp(KNOCK6, 64);
            client.knockIcmp(KNOCK6, 100);
            List<String> expected = List.of(
                    "4 /198.18.0.2 > /198.18.0.1 UDP 8000",
                    "4 /198.18.0.2 > /198.18.0.1 TCP 7000",
                    "4 /198.18.0.2 > /198.18.0.1 ICMP 64",
                    "6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 UDP 8000",
                    "6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 TCP 7001",
                    "6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 ICMP 64",
                    "6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 ICMP 100");
            awaitSize(events, expected.size());
            Thread.sleep(300); // room for anything unexpected to show up
            assertEquals(expected, List.copyOf(events), "knocks seen behind INPUT DROP");
            assertEquals(expected.size(), capture.packets(),
                    "packets that reached user space: UDP 5555, TCP 22 and 443 must stay in the kernel");
            assertEquals(0, capture.malformed() + capture.fragments() + capture.errors(), "drops or errors");
            long start = System.nanoTime();
            capture.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(closeMillis < 500, "close took " + closeMillis + " ms: the wakeup did not stop the thread");
        }
    }

    @Test
    void aCaptureOnANamedInterfaceSeesItsKnocksAndAMissingInterfaceIsNamed() throws Exception {
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = eth0\n" + CONFIG);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockCapture capture = fw.call(() -> KnockCapture.open(config,
                k -> events.add(describe(k.family(), k.srcHi(), k.srcLo(), k.dstHi(), k.dstLo(), k.protocol(), k.value()))));
        capture.start();
        try (capture) {
            client.knockUdp(KNOCK6, 7999, KNOCK);
            awaitSize(events, 1);
            assertEquals(List.of("6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 UDP 7999"), events);
        }
        ServerConfig missing = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = kcnone0\n" + CONFIG);
        NativeException e = assertThrows(NativeException.class, () -> fw.call(() -> KnockCapture.open(missing,
                k -> { })));
        assertTrue(e.getMessage().contains("kcnone0") && e.getMessage().contains("ENODEV"),
                "error for a missing interface: " + e);
    }

    @Test
    void anInterfaceDeletedUnderTheCaptureCostsOneErrorNotABusyLoop() throws Exception {
        String dev = "kcd0";
        fw.exec("ip", "link", "add", dev, "type", "veth", "peer", "name", "kce0").orThrow();
        fw.exec("ip", "link", "set", dev, "up").orThrow();
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = " + dev + "\n" + CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, k -> { }));
        capture.start();
        try (capture) {
            fw.exec("ip", "link", "del", dev).orThrow();
            Thread.sleep(300);
            assertTrue(capture.errors() <= 1, "errors after the interface went: " + capture.errors());
            long start = System.nanoTime();
            capture.close();
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "close was slow");
        }
    }

    @Test
    void craftedPacketsOnTheWireAreWalkedDroppedAndCounted() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config,
                k -> events.add(describe(k.family(), k.srcHi(), k.srcLo(), k.dstHi(), k.dstLo(), k.protocol(), k.value()))));
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
                ipv4(a4, b4, UDP, 100, udp(8000, 0)),            // non-first fragment: rejected in the kernel
                ipv4(a4, b4, TCP, tcp(7000, SYN | ACK)),         // SYN-ACK: rejected in the kernel
                ipv4(a4, b4, ICMP, 0x2000, icmp(8, 64)),         // fragmented echo: fragments
                badChecksum,                                     // malformed
                cut);                                            // malformed
        List<byte[]> v6 = List.of(
                ipv6(a6, b6, 0, ext(60, 1), ext(17, 2), udp(8000, 0)),    // knock behind two headers
                ipv6(a6, b6, 44, fragment(17, 0, true), udp(8000, 64)),   // first fragment: knock
                ipv6(a6, b6, 44, fragment(17, 8, false), new byte[16]),   // non-first fragment: fragments
                ipv6(a6, b6, 44, fragment(58, 0, true), icmp(128, 64)),   // fragmented echo: fragments
                ipv6(a6, b6, 60, longChain));                             // malformed
        byte[] mac = HexFormat.ofDelimiter(":").parseHex(fw.exec("cat", "/sys/class/net/eth0/address").orThrow()
                .stdout().strip());
        try (capture) {
            client.call(() -> {
                v4.forEach(p -> TestNetns.sendFrame("eth0", 0x0800, mac, p));
                v6.forEach(p -> TestNetns.sendFrame("eth0", 0x86dd, mac, p));
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (capture.packets() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertEquals(List.of("6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 UDP 8000",
                    "6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 UDP 8000"), events, "knocks");
            assertEquals(3, capture.fragments(), "fragments dropped");
            assertEquals(3, capture.malformed(), "malformed dropped");
            assertEquals(8, capture.packets(), "packets in user space (two stay in the kernel)");
        }
    }

    /** The figure for the report: send to sink, through the capture thread and a KnockQueue to an event loop. */
    @Test
    void aKnockReachesTheEventLoopWellUnderAMillisecond() throws Exception {
        int rounds = 200;
        DefaultEventLoop loop = new DefaultEventLoop();
        long[] seen = new long[3]; // count, capture-thread time, event-loop time; guarded by itself
        KnockQueue queue = new KnockQueue(1024, loop, k -> {
            long now = System.nanoTime();
            synchronized (seen) {
                seen[0]++;
                seen[1] = k.receivedNanos();
                seen[2] = now;
            }
        });
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = fw.call(() -> KnockCapture.open(config, queue));
        capture.start();
        long[] toCapture = new long[rounds];
        long[] toLoop = new long[rounds];
        int arrived = 0;
        // Opened in the client's namespace, the channel stays there: the loop runs here, past call()'s 10 s bound.
        try (capture; DatagramChannel ch = client.call(DatagramChannel::open)) {
            ByteBuffer payload = ByteBuffer.allocate(1);
            InetSocketAddress to = new InetSocketAddress(FW4, 8000);
            for (int i = 0; i < rounds; i++) {
                long before;
                synchronized (seen) {
                    before = seen[0];
                }
                long t0 = System.nanoTime();
                ch.send(payload.clear(), to);
                long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() < deadline) {
                    synchronized (seen) {
                        if (seen[0] != before) {
                            toCapture[arrived] = seen[1] - t0;
                            toLoop[arrived] = seen[2] - t0;
                            arrived++;
                            break;
                        }
                    }
                    Thread.onSpinWait();
                }
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        assertEquals(rounds, arrived, "knocks that reached the event loop within 200 ms");
        long[] c = Arrays.copyOf(toCapture, arrived);
        long[] l = Arrays.copyOf(toLoop, arrived);
        Arrays.sort(c);
        Arrays.sort(l);
        System.out.printf("knock latency over %d UDP knocks (veth, INPUT DROP): send->capture thread median %.1f us"
                        + " p90 %.1f us max %.1f us; send->event loop median %.1f us p90 %.1f us max %.1f us%n",
                arrived, c[arrived / 2] / 1e3, c[arrived * 9 / 10] / 1e3, c[arrived - 1] / 1e3,
                l[arrived / 2] / 1e3, l[arrived * 9 / 10] / 1e3, l[arrived - 1] / 1e3);
        assertTrue(l[arrived / 2] < TimeUnit.MILLISECONDS.toNanos(1), "median send->event loop " + l[arrived / 2]
                + " ns (expected: under a millisecond)");
        assertEquals(0, queue.dropped(), "dropped by the queue");
    }

    private static String describe(int family, long sh, long sl, long dh, long dl, Protocol p, int value) {
        return family + " " + Address.toInetAddress(family, sh, sl) + " > " + Address.toInetAddress(family, dh, dl) + " " + p
                + " " + value;
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
