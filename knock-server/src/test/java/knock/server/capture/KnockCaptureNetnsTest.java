package knock.server.capture;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.KNOCK4;
import static knock.testnet.TestNetwork.KNOCK6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
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
    /** The daemon's kind of loop: the capture reads on it, the sinks run on it. */
    private static EventLoopGroup group;
    private static IoEventLoop loop;

    @BeforeAll
    static void network() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
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
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static KnockCapture open(ServerConfig config, KnockSink sink) {
        return fw.call(() -> KnockCapture.open(config, loop, sink));
    }

    private static KnockSink recording(List<String> events) {
        return k -> events.add(describe(k));
    }

    @Test
    void seesEveryKnockInInputAndTheRulesKeepTheRestInTheKernel() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = open(config, recording(events));
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
        }
        fw.call(() -> NflogSocket.open(56625, 128)).close(); // closed: the group is free again
    }

    @Test
    void aCaptureForNamedInterfacesIgnoresTheOthersAndAMissingInterfaceIsNamed() throws Exception {
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = lo eth0\n" + CONFIG);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        KnockCapture capture = open(config, recording(events));
        try (capture) {
            assertEquals("nflog-group=56625 interfaces=lo,eth0", capture.toString());
            client.knockUdp(KNOCK6, 7999, KNOCK);
            awaitSize(events, 1);
            assertEquals(List.of("fd6b:6e6f:636b::2 > fd6b:6e6f:636b::1 7999/udp"), events);
        }
        ServerConfig loOnly = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = lo\n" + CONFIG);
        events.clear();
        KnockCapture lo = open(loOnly, recording(events));
        try (lo) {
            client.knockUdp(KNOCK6, 7999, KNOCK);
            assertTrue(TestNetwork.eventually(java.time.Duration.ofSeconds(5), () -> lo.ignored() == 1),
                    "the knock on eth0 was not judged");
            assertEquals(List.of(), events, "a knock on an interface not watched");
        }
        ServerConfig missing = ServerConfigReader.parse("netns.conf", "[server]\ninterfaces = kcnone0\n" + CONFIG);
        NativeException e = assertThrows(NativeException.class, () -> open(missing, k -> { }));
        assertTrue(e.getMessage().contains("kcnone0") && e.getMessage().contains("ENODEV"),
                "error for a missing interface: " + e);
    }

    /**
     * What a SIGHUP does: the next capture opens while the running one holds the group and reads from then on;
     * the running one closes on the loop, and what arrives while the loop is busy switching waits in the socket.
     * A failed reload closes the next one instead, and the running one reads again.
     */
    @Test
    void aReloadSharesTheGroupAndMissesNothingInTheSwitch() throws Exception {
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        List<String> second = Collections.synchronizedList(new ArrayList<>());
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        KnockCapture running = open(config, recording(first));
        KnockCapture next;
        try (running) {
            client.knockUdp(KNOCK4, 8000, KNOCK);
            awaitSize(first, 1);
            KnockCapture broken = open(config, recording(failed));
            broken.close(); // a reload that failed after opening its capture
            client.knockUdp(KNOCK4, 8001, KNOCK);
            awaitSize(first, 2);
            next = open(config, recording(second));
            CountDownLatch switching = new CountDownLatch(1);
            loop.execute(() -> {
                // The loop is busy with the switch: knocks sent meanwhile wait in the socket's queue.
                awaitUninterruptibly(switching);
                running.close();
            });
            client.knockUdp(KNOCK4, 7999, KNOCK);
            switching.countDown();
        }
        try (next) {
            client.knockUdp(KNOCK4, 8001, KNOCK);
            awaitSize(second, 2);
            assertEquals(List.of("198.18.0.2 > 198.18.0.1 8000/udp", "198.18.0.2 > 198.18.0.1 8001/udp"), first);
            assertEquals(List.of(), failed, "a capture closed at once read nothing");
            assertEquals(List.of("198.18.0.2 > 198.18.0.1 7999/udp", "198.18.0.2 > 198.18.0.1 8001/udp"), second);
        }
        // Both closed: the group is free again.
        fw.call(() -> NflogSocket.open(56625, 128)).close();
    }

    /**
     * The real receive path on the real loop, packets from the client through INPUT's NFLOG rule to the sink:
     * once compiled, it allocates nothing per packet (the loop thread's own allocation counter; the sink only
     * counts). Bounded: at most {@code rounds} rounds of {@code perRound} datagrams. The build runs it once more
     * with C1 only, the daemon's JIT (execution {@code receive-path-c1} in knock-server's pom): an FFM receive
     * that captures errno passes under C2 and allocates 40 bytes per call there.
     */
    @Test
    void theReceivePathOnTheLoopAllocatesNothingPerPacket() throws Exception {
        final int rounds = 40;
        final int perRound = 1000;
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        long[] seen = new long[1];
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long loopThread = loop.submit(() -> Thread.currentThread().threadId()).get();
        DatagramChannel sender = client.call(() -> DatagramChannel.open(StandardProtocolFamily.INET));
        ByteBuffer payload = ByteBuffer.wrap(KNOCK);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(KNOCK4), 8000);
        List<Long> perPacket = new ArrayList<>();
        try (sender; KnockCapture capture = open(config, k -> seen[0]++)) {
            for (int round = 0; round < rounds; round++) {
                long before = mx.getThreadAllocatedBytes(loopThread);
                long packetsBefore = capture.packets();
                for (int i = 0; i < perRound; i++) {
                    sender.send(payload.rewind(), to);
                    if (i % 100 == 99) {
                        awaitPackets(capture, packetsBefore + i + 1 - 50); // keep the socket's queue short
                    }
                }
                awaitPackets(capture, packetsBefore + perRound);
                long received = capture.packets() - packetsBefore;
                long allocated = mx.getThreadAllocatedBytes(loopThread) - before;
                perPacket.add(allocated / Math.max(1, received));
                if (received == perRound && allocated < perRound) {
                    assertEquals(0, capture.dropped() + capture.errors(), "drops or errors");
                    return; // less than a byte per packet over a round: nothing per packet
                }
            }
        }
        fail("the loop allocated per packet in every round, bytes per packet: " + perPacket);
    }

    private static void awaitPackets(KnockCapture capture, long packets) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (capture.packets() < packets && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aGroupHeldByAnotherSocketIsNamedAsTaken() {
        ServerConfig config = ServerConfigReader.parse("netns.conf", "[server]\nnflog-group = 4242\n" + CONFIG);
        NflogSocket other = fw.call(() -> NflogSocket.open(4242, 128));
        try (other) {
            NativeException e = assertThrows(NativeException.class,
                    () -> open(config, k -> { }));
            assertTrue(e.getMessage().contains("nflog group 4242 is taken: is another knock-server running?"),
                    e.getMessage());
        }
    }

    @Test
    void craftedPacketsTheKernelDropsNeverReachTheCapture() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ServerConfig config = ServerConfigReader.parse("netns.conf", CONFIG);
        KnockCapture capture = open(config, recording(events));
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
