package knock.server.capture;

import static knock.packet.TestPackets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import knock.config.ServerConfig;
import knock.config.ServerConfigReader;
import knock.net.NativeException;
import knock.net.TestNetns;
import knock.sequence.Protocol;

/**
 * The capture for real, in two namespaces joined by a veth pair; the firewall side drops all input
 * ({@code iptables -P INPUT DROP}, same for IPv6), so every knock here is one netfilter never lets through.
 * <pre>
 *   kcPIDb (client)                          kcPIDa (fw: INPUT DROP, KnockCapture)
 *   198.18.0.2, fd6b:6e6f:636b::2  kcPIDy ==== kcPIDx  198.18.0.1, fd6b:6e6f:636b::1
 * </pre>
 * Neighbours are static: IPv6 neighbour discovery cannot answer through a DROP policy.
 */
@Tag("netns")
class KnockCaptureNetnsTest {

    private static final long PID = ProcessHandle.current().pid();
    private static final String FW = "kc" + PID + "a";
    private static final String CLIENT = "kc" + PID + "b";
    private static final String VETH_FW = "kc" + PID + "x";
    private static final String VETH_CLIENT = "kc" + PID + "y";
    private static final String MAC_FW = "02:6b:63:00:00:01";
    private static final String MAC_CLIENT = "02:6b:63:00:00:02";
    private static final InetAddress FW4 = address("198.18.0.1");
    private static final InetAddress FW6 = address("fd6b:6e6f:636b::1");
    private static final long STEP_MILLIS = 10_000;

    private static final String CONFIG = """
            [sequence one]
            steps = 7000/tcp 8000/udp icmp/64
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            """;

    @BeforeAll
    static void network() throws Exception {
        requireRoot();
        cleanup();
        run("ip", "netns", "add", FW);
        run("ip", "netns", "add", CLIENT);
        run("ip", "link", "add", VETH_FW, "address", MAC_FW, "netns", FW, "type", "veth",
                "peer", "name", VETH_CLIENT, "address", MAC_CLIENT, "netns", CLIENT);
        side(FW, VETH_FW, "1", "2", MAC_CLIENT);
        side(CLIENT, VETH_CLIENT, "2", "1", MAC_FW);
        run("ip", "netns", "exec", FW, "iptables", "-P", "INPUT", "DROP");
        run("ip", "netns", "exec", FW, "ip6tables", "-P", "INPUT", "DROP");
    }

    private static void side(String ns, String dev, String self, String peer, String peerMac) throws Exception {
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "addr", "add", "198.18.0." + self + "/24", "dev", dev);
        run("ip", "-n", ns, "addr", "add", "fd6b:6e6f:636b::" + self + "/64", "dev", dev, "nodad");
        run("ip", "-n", ns, "link", "set", dev, "up");
        run("ip", "-n", ns, "neigh", "replace", "198.18.0." + peer, "lladdr", peerMac, "dev", dev, "nud", "permanent");
        run("ip", "-n", ns, "neigh", "replace", "fd6b:6e6f:636b::" + peer, "lladdr", peerMac, "dev", dev,
                "nud", "permanent");
    }

    @AfterAll
    static void cleanup() throws Exception {
        for (String ns : List.of(FW, CLIENT)) {
            if (Files.exists(Path.of("/var/run/netns", ns))) {
                run("ip", "netns", "del", ns); // takes the veth pair with it
            }
        }
    }

    @Test
    void seesEveryKnockToDroppedPortsAndTheFilterKeepsTheRestInTheKernel() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockSink sink = (f, sh, sl, dh, dl, p, v, t) -> events.add(describe(f, sh, sl, dh, dl, p, v));
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = TestNetns.call(FW, () -> KnockCapture.open(config, sink));
        capture.start();
        try (capture; ExecutorService client = TestNetns.executor(CLIENT)) {
            client.submit(() -> {
                sendUdp(FW4, 8000);
                sendUdp(FW4, 5555);
                sendSyn(FW4, 7000);
                sendSyn(FW4, 22);
                TestNetns.sendEcho(FW4, 64);
                sendUdp(FW6, 8000);
                sendSyn(FW6, 7001);
                sendSyn(FW6, 443);
                TestNetns.sendEcho(FW6, 64);
                TestNetns.sendEcho(FW6, 100);
                return null;
            }).get(STEP_MILLIS, TimeUnit.MILLISECONDS);
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
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = " + VETH_FW + "\n" + CONFIG);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockCapture capture = TestNetns.call(FW, () -> KnockCapture.open(config,
                (f, sh, sl, dh, dl, p, v, t) -> events.add(describe(f, sh, sl, dh, dl, p, v))));
        capture.start();
        try (capture; ExecutorService client = TestNetns.executor(CLIENT)) {
            client.submit(() -> {
                sendUdp(FW6, 7999);
                return null;
            }).get(STEP_MILLIS, TimeUnit.MILLISECONDS);
            awaitSize(events, 1);
            assertEquals(List.of("6 /fd6b:6e6f:636b:0:0:0:0:2 > /fd6b:6e6f:636b:0:0:0:0:1 UDP 7999"), events);
        }
        ServerConfig missing = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = kcnone0\n" + CONFIG);
        Exception e = assertThrows(Exception.class, () -> TestNetns.call(FW, () -> KnockCapture.open(missing,
                (f, sh, sl, dh, dl, p, v, t) -> { })));
        Throwable cause = e.getCause();
        assertTrue(cause instanceof NativeException && cause.getMessage().contains("kcnone0")
                && cause.getMessage().contains("ENODEV"), "error for a missing interface: " + cause);
    }

    @Test
    void anInterfaceDeletedUnderTheCaptureCostsOneErrorNotABusyLoop() throws Exception {
        String dev = "kc" + PID + "d";
        run("ip", "-n", FW, "link", "add", dev, "type", "veth", "peer", "name", "kc" + PID + "e");
        run("ip", "-n", FW, "link", "set", dev, "up");
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = " + dev + "\n" + CONFIG);
        KnockCapture capture = TestNetns.call(FW, () -> KnockCapture.open(config, (f, sh, sl, dh, dl, p, v, t) -> { }));
        capture.start();
        try (capture) {
            run("ip", "-n", FW, "link", "del", dev);
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
        KnockCapture capture = TestNetns.call(FW, () -> KnockCapture.open(config,
                (f, sh, sl, dh, dl, p, v, t) -> events.add(describe(f, sh, sl, dh, dl, p, v))));
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
        byte[] mac = {0x02, 0x6b, 0x63, 0, 0, 1};
        try (capture; ExecutorService client = TestNetns.executor(CLIENT)) {
            client.submit(() -> {
                v4.forEach(p -> TestNetns.sendFrame(VETH_CLIENT, 0x0800, mac, p));
                v6.forEach(p -> TestNetns.sendFrame(VETH_CLIENT, 0x86dd, mac, p));
                return null;
            }).get(STEP_MILLIS, TimeUnit.MILLISECONDS);
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
        KnockQueue queue = new KnockQueue(1024, loop, (f, sh, sl, dh, dl, p, v, t) -> {
            long now = System.nanoTime();
            synchronized (seen) {
                seen[0]++;
                seen[1] = t;
                seen[2] = now;
            }
        });
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = TestNetns.call(FW, () -> KnockCapture.open(config, queue));
        capture.start();
        long[] toCapture = new long[rounds];
        long[] toLoop = new long[rounds];
        int arrived;
        try (capture; ExecutorService client = TestNetns.executor(CLIENT)) {
            arrived = client.submit(() -> {
                int n = 0;
                try (DatagramChannel ch = DatagramChannel.open()) {
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
                                    toCapture[n] = seen[1] - t0;
                                    toLoop[n] = seen[2] - t0;
                                    n++;
                                    break;
                                }
                            }
                            Thread.onSpinWait();
                        }
                    }
                }
                return n;
            }).get(60, TimeUnit.SECONDS);
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

    private static void sendUdp(InetAddress to, int port) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.send(ByteBuffer.wrap("knock".getBytes(StandardCharsets.US_ASCII)), new InetSocketAddress(to, port));
        }
    }

    /** One SYN: the connect is abandoned at once, as a knock client does (closing a SYN_SENT socket sends nothing). */
    private static void sendSyn(InetAddress to, int port) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            ch.connect(new InetSocketAddress(to, port));
        }
    }

    private static String describe(int family, long sh, long sl, long dh, long dl, Protocol p, int value) {
        return family + " " + address(family, sh, sl) + " > " + address(family, dh, dl) + " " + p + " " + value;
    }

    private static InetAddress address(int family, long hi, long lo) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(hi).putLong(lo);
        try {
            return InetAddress.getByAddress(family == 4 ? Arrays.copyOfRange(b.array(), 12, 16) : b.array());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitSize(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void requireRoot() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        if (!root) {
            String reason = "netns tests need root (ip netns, veth, iptables, CAP_NET_RAW)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; CI=true, so this is a failure");
            }
            Assumptions.abort(reason);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + ": no exit within 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out);
        }
    }
}
