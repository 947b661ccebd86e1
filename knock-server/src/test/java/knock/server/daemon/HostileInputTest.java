package knock.server.daemon;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import knock.packet.IcmpEcho;
import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.testnet.ExecResult;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon under a hostile network: crafted frames put on the scanner's wire (truncated, malformed,
 * fragments, bogus IPv6 header chains, spoofed sources) and a burst of 10,000 distinct spoofed sources. It
 * stays up, its tables stay at their cap, its memory stays bounded, and a legitimate knock still opens.
 *
 * <p>And it judges exactly what INPUT sees: frames the kernel discards before INPUT (a spoofed source failing
 * rp_filter, a VLAN the box does not have, martian sources, IPv4 source routes, first fragments never completed)
 * and a routing header naming the box as a mere waypoint never count, while a fragmented ICMP knock counts as in
 * kernel mode. Each "never counts" is proven against a marker: an echo request sent after the hostile frames,
 * whose verdict in the debug log shows the daemon judged everything before it.
 */
@NetnsTest
class HostileInputTest extends DaemonTestBase {

    private static final int FLOOD = 10_000;
    private static final int CAP = 1000;

    private void send(byte[] mac, List<byte[]> v4, List<byte[]> v6) {
        sendFrames(scanner, mac, v4, v6);
    }

    private static List<byte[]> malformedIpv4() {
        List<byte[]> packets = new ArrayList<>();
        byte[] good = ipv4(SCANNER4, KNOCK4, UDP, udp(8000, 4));
        packets.add(java.util.Arrays.copyOf(good, 10));                      // truncated header
        byte[] badVersion = good.clone();
        badVersion[0] = 0x55;
        setChecksum(badVersion, 20);
        packets.add(badVersion);                                              // version 5
        byte[] longer = good.clone();
        longer[2] = 0x7f;
        setChecksum(longer, 20);
        packets.add(longer);                                                  // total length past the end
        byte[] badChecksum = good.clone();
        badChecksum[10] ^= 0x55;
        packets.add(badChecksum);
        packets.add(ipv4(SCANNER4, KNOCK4, UDP, 0x2000, udp(8000, 16)));      // first fragment
        packets.add(ipv4(SCANNER4, KNOCK4, UDP, 0x0003, udp(8001, 16)));      // a later fragment
        packets.add(ipv4(SCANNER4, KNOCK4, TCP, java.util.Arrays.copyOf(tcp(7000, SYN), 8))); // short TCP
        packets.add(ipv4("198.18.0.77", KNOCK4, TCP, tcp(7000, SYN)));        // spoofed source
        return packets;
    }

    private static List<byte[]> bogusIpv6() {
        List<byte[]> packets = new ArrayList<>();
        byte[][] chain = new byte[12][];
        for (int i = 0; i < chain.length - 1; i++) {
            chain[i] = ext(60, 1);
        }
        chain[chain.length - 1] = udp(8000, 4);
        packets.add(ipv6(SCANNER6, KNOCK6, 60, chain));                       // too many extension headers
        byte[] overlong = ext(17, 1);
        overlong[1] = (byte) 200;
        packets.add(ipv6(SCANNER6, KNOCK6, 0, overlong, udp(8000, 4)));      // header length past the end
        packets.add(ipv6(SCANNER6, KNOCK6, 44, fragment(17, 5, false), udp(8000, 4))); // non-first fragment
        byte[] truncated = ipv6(SCANNER6, KNOCK6, 17, udp(8000, 4));
        packets.add(java.util.Arrays.copyOf(truncated, 30));                 // cut inside the header
        byte[] lying = ipv6(SCANNER6, KNOCK6, 6, tcp(7000, SYN));
        lying[4] = 0x10;                                                      // payload length past the end
        packets.add(lying);
        return packets;
    }

    /** {@code FLOOD} distinct spoofed IPv6 sources in the test range, each taking step 1. */
    private static List<byte[]> spoofedFlood(int from, int count) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String source = "fd6b:6e6f:636b:0:1:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff)
                    + ":9";
            packets.add(ipv6(source, KNOCK6, TCP, tcp(7000, SYN)));
        }
        return packets;
    }

    private long rssKiB(DaemonUnderTest daemon) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for pid " + daemon.pid());
    }

    private static long counter(String status, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(status);
        assertTrue(m.find(), "no " + name + " in status:\n" + status);
        return Long.parseLong(m.group(1));
    }

    @Test
    void malformedPacketsAndASpoofedFloodLeaveTheDaemonUpBoundedAndOpenToALegitimateKnock() throws Exception {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequence(""));
        String config = Files.readString(daemon.config).replace("log-level = debug", "log-level = info\nmax-sources = "
                + CAP);
        Files.writeString(daemon.config, config);
        loadRules(daemon);
        daemon.start();
        byte[] mac = fwMac();

        send(mac, malformedIpv4(), bogusIpv6());
        send(mac, List.of(), spoofedFlood(0, 1000));
        long rssBefore = rssKiB(daemon);

        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            for (int from = 1000; from < FLOOD; from += 1000) {
                send(mac, List.of(), spoofedFlood(from, 1000));
            }
        });
        knock(client, 4);
        assertOpens(client, 4, "while the flood runs");
        flood.get();

        assertTrue(daemon.isAlive(), "the daemon died:\n" + daemon.output());
        ExecResult status = daemon.status();
        assertEquals(0, status.exitCode(), status.stderr());
        String text = status.stdout();
        assertTrue(counter(text, "sources") <= CAP, "the source table grew past its cap:\n" + text);
        assertTrue(counter(text, "evictions") >= FLOOD - CAP, "the flood did not evict the oldest:\n" + text);
        // The kernel drops the crafted packets before INPUT (bad lengths and checksums, fragments held by conntrack,
        // header chains ip6tables cannot walk): none of them reaches the daemon.
        assertEquals(0, counter(text, "malformed") + counter(text, "fragments"), "crafted packets reached INPUT:\n"
                + text);
        assertTrue(counter(text, "knocks") >= FLOOD, "the flood did not reach the tracker:\n" + text);
        long growth = rssKiB(daemon) - rssBefore;
        assertTrue(growth < 64 * 1024, "RSS grew by " + growth + " KiB under the flood");

        assertFalse(fw.readList("ssh4").contains("198.18.0.77"), "a spoofed single SYN must not admit");
        assertTrue(fw.readList("ssh6").isEmpty(), "the flood put sources on ssh6: " + fw.readList("ssh6"));
        knock(scanner, 6);
        assertOpens(scanner, 6, "after the flood");
        assertEquals(Reach.OPEN, ssh(client, 4), "the client admitted during the flood lost its access");
    }

    private int markers;

    /** The marker: an echo request of a size no step has, from the scanner; returns once its verdict is logged. */
    private void judgedSoFar(DaemonUnderTest daemon, int family) {
        int size = 1000 + ++markers;
        scanner.knockIcmp(family == 4 ? KNOCK4 : KNOCK6, size);
        assertTrue(daemon.logs(" icmp/" + size + " outcome=", SETTLE), "the marker was not judged\n" + daemon.output());
    }

    /** Knock lines of {@code source} for {@code step} ("7001/tcp") in the daemon's debug log. */
    private static long judged(DaemonUnderTest daemon, String source, String step) {
        return daemon.output().lines().filter(l -> l.contains("knock src=" + source + " ")
                && l.contains(" " + step + " outcome=")).count();
    }

    private void assertNotJudged(DaemonUnderTest daemon, int family, String source, String step, String what) {
        judgedSoFar(daemon, family);
        assertEquals(0, judged(daemon, source, step), what + " was judged:\n" + daemon.output());
        String list = family == 4 ? "ssh4" : "ssh6";
        String address = family == 4 ? CLIENT4 : CLIENT6;
        assertTrue(listed(list, address), what + " removed the admitted client:\n" + daemon.output());
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void framesTheKernelDiscardsBeforeInputNeverCount(int family) {
        DaemonUnderTest daemon = daemon(sequence("hold-off = 0\n"));
        String knock = family == 4 ? KNOCK4 : KNOCK6;
        String client4or6 = family == 4 ? CLIENT4 : CLIENT6;
        int ethertype = family == 4 ? ETH_IPV4 : ETH_IPV6;
        byte[] mac = fw.mac("eth0");
        knock(client, family);
        assertOpens(client, family, "after the knock");
        judgedSoFar(daemon, family);

        // Martian sources: the whole sequence from loopback (and 0.0.0.0) addresses, from outside.
        List<String> martians = family == 4 ? List.of("127.0.0.1", "0.0.0.0") : List.of("::1");
        for (String martian : martians) {
            List<byte[]> sequence = family == 4
                    ? List.of(ipv4(martian, knock, TCP, tcp(7000, SYN)), ipv4(martian, knock, UDP, udp(8000, 4)),
                            ipv4(martian, knock, ICMP, icmp(8, 64)))
                    : List.of(ipv6(martian, knock, TCP, tcp(7000, SYN)), ipv6(martian, knock, UDP, udp(8000, 4)),
                            ipv6(martian, knock, ICMP6, icmp(128, 64)));
            scanner.sendFrames("eth0", ethertype, mac, sequence);
            judgedSoFar(daemon, family);
            assertFalse(daemon.output().contains("knock src=" + martian + " "), "martian source " + martian
                    + " was judged:\n" + daemon.output());
        }
        assertTrue(fw.readList(family == 4 ? "ssh4" : "ssh6").equals(List.of(client4or6)),
                "only the client is admitted: " + fw.readList(family == 4 ? "ssh4" : "ssh6"));

        // The client's address, spoofed, hitting a neighbour port (a scan that would evict it) ...
        if (family == 4) {
            // ... with a loose source route through the box (accept_source_route is off: dropped)
            assertEquals("0", fw.sysctl("net.ipv4.conf.all.accept_source_route"));
            scanner.sendFrames("eth0", ETH_IPV4, mac, List.of(ipv4WithOptions(CLIENT4, KNOCK4, TCP,
                    looseSourceRoute("198.18.0.50"), tcp(7001, SYN))));
            assertNotJudged(daemon, 4, CLIENT4, "7001/tcp", "an IPv4 source-routed SYN");
        } else {
            // ... behind a routing header that names the box as a waypoint with a segment left
            scanner.sendFrames("eth0", ETH_IPV6, mac, List.of(ipv6(CLIENT6, KNOCK6, 43, routing(6, 1, 3),
                    tcp(7001, SYN))));
            assertNotJudged(daemon, 6, CLIENT6, "7001/tcp", "a routing header with a segment left");
        }
        // ... in a first fragment whose rest never comes (conntrack holds it until it times out)
        byte[] firstFragment = family == 4 ? ipv4(CLIENT4, KNOCK4, UDP, 0x2000, udp(8001, 64))
                : ipv6(CLIENT6, KNOCK6, 44, fragment(17, 0, true), udp(8001, 64));
        scanner.sendFrames("eth0", ethertype, mac, List.of(firstFragment));
        assertNotJudged(daemon, family, client4or6, "8001/udp", "a first fragment never completed");
        // ... in an 802.1Q frame for VLAN 42, which fw does not have
        byte[] spoofed = family == 4 ? ipv4(CLIENT4, KNOCK4, TCP, tcp(7001, SYN))
                : ipv6(CLIENT6, KNOCK6, TCP, tcp(7001, SYN));
        scanner.sendFrames("eth0", ETH_VLAN, mac, List.of(vlan(42, ethertype, spoofed)));
        assertNotJudged(daemon, family, client4or6, "7001/tcp", "a frame for VLAN 42");
        if (family == 4) {
            // ... on a second interface of fw, where the reverse path check (rp_filter=1) fails
            net.link(fw, scanner, "eth1");
            fw.sysctl("net.ipv4.conf.all.rp_filter", "1");
            fw.sysctl("net.ipv4.conf.eth1.rp_filter", "1");
            byte[] mac1 = fw.mac("eth1");
            scanner.sendFrames("eth1", ETH_IPV4, mac1, List.of(spoofed));
            assertNotJudged(daemon, 4, CLIENT4, "7001/tcp", "a spoofed SYN failing rp_filter on eth1");
            // Control: without the reverse path check the same frame reaches INPUT and is judged.
            fw.sysctl("net.ipv4.conf.all.rp_filter", "0");
            fw.sysctl("net.ipv4.conf.eth1.rp_filter", "0");
            scanner.sendFrames("eth1", ETH_IPV4, mac1, List.of(spoofed));
            judgedSoFar(daemon, 4);
            assertEquals(1, judged(daemon, CLIENT4, "7001/tcp"), "control: rp_filter off, the frame counts\n"
                    + daemon.output());
        }
        // Control: untagged, the same frame reaches INPUT and is judged (this kernel may lack 8021q for a VLAN device).
        long before = judged(daemon, client4or6, "7001/tcp");
        scanner.sendFrames("eth0", ethertype, mac, List.of(spoofed));
        judgedSoFar(daemon, family);
        assertEquals(before + 1, judged(daemon, client4or6, "7001/tcp"), "control: untagged, the frame counts\n"
                + daemon.output());
    }

    /**
     * A fragmented ICMP knock, icmp/1000 in two fragments (put on the wire by hand: a knock that crosses a link
     * with a smaller MTU), counts in both modes: fw's conntrack reassembles it before INPUT.
     */
    @ParameterizedTest(name = "{0} mode, IPv{1}")
    @CsvSource({"DAEMON, 4", "DAEMON, 6", "KERNEL, 4", "KERNEL, 6"})
    void aFragmentedIcmpKnockCountsInBothModes(Mode mode, int family) {
        String sequence = """
                [sequence ssh]
                steps = 7000/tcp icmp/1000
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                max-connections = 0
                """;
        if (mode == Mode.DAEMON) {
            daemon(sequence);
        } else {
            DaemonUnderTest config = new DaemonUnderTest(fw, dir, sequence); // only writes the config file
            loadRules(ServerConfigReader.read(config.config), Mode.KERNEL);
        }
        String knock = family == 4 ? KNOCK4 : KNOCK6;
        assertHidden(client, family, "before the knock");
        client.knockTcpSyn(knock, 7000);
        byte[] echo = IcmpEcho.echoRequest(family == 6, 77, 1, 1000);
        if (family == 6) {
            icmpv6Checksum(echo, CLIENT6, KNOCK6);
        }
        byte[] head = java.util.Arrays.copyOf(echo, 512);
        byte[] tail = java.util.Arrays.copyOfRange(echo, 512, echo.length);
        List<byte[]> fragments = family == 4
                ? List.of(ipv4(CLIENT4, KNOCK4, ICMP, 0x2000, head), ipv4(CLIENT4, KNOCK4, ICMP, 512 / 8, tail))
                : List.of(ipv6(CLIENT6, KNOCK6, 44, fragment(58, 0, true), head),
                        ipv6(CLIENT6, KNOCK6, 44, fragment(58, 512 / 8, false), tail));
        client.sendFrames("eth0", family == 4 ? ETH_IPV4 : ETH_IPV6, fw.mac("eth0"), fragments);
        assertOpens(client, family, "after 7000/tcp and icmp/1000 in two fragments in " + mode + " mode");
    }

    /** Fills in the ICMPv6 checksum over the pseudo-header (RFC 8200 8.1), which a raw frame must carry. */
    private static void icmpv6Checksum(byte[] message, String src, String dst) {
        java.nio.ByteBuffer pseudo = java.nio.ByteBuffer.allocate(40 + message.length);
        pseudo.put(addr(src)).put(addr(dst)).putInt(message.length).putInt(58).put(message);
        int sum = IcmpEcho.checksum(pseudo.array());
        message[2] = (byte) (sum >>> 8);
        message[3] = (byte) sum;
    }
}
