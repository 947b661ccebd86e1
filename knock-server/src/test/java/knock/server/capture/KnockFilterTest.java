package knock.server.capture;

import static knock.packet.TestPackets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import knock.config.ServerConfigReader;
import knock.config.SequenceConfig;
import knock.net.BpfInterpreter;
import knock.net.BpfProgram;
import knock.packet.PacketDecoder;
import knock.packet.Verdict;

class KnockFilterTest {

    private static final int IPV4 = 0x0800;
    private static final int IPV6 = 0x86dd;
    private static final String A4 = "198.18.0.2";
    private static final String B4 = "198.18.0.1";
    private static final String A6 = "fd6b:6e6f:636b::2";
    private static final String B6 = "fd6b:6e6f:636b::1";

    static List<SequenceConfig> sequences(String text) {
        return ServerConfigReader.parse("test.conf", text).sequences();
    }

    private static final BpfProgram FILTER = KnockFilter.build(sequences("""
            [sequence one]
            steps = 7000/tcp 8000/udp icmp/64
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            [sequence two]
            steps = 7002/tcp 9000/udp
            knock-address = 198.18.0.1
            list4 = two4
            list6 = two6
            """));

    private static boolean passes(BpfProgram filter, byte[] packet, int ethertype) {
        return BpfInterpreter.run(filter, packet, ethertype, 0, 2) != 0;
    }

    private static boolean passes(byte[] packet, int ethertype) {
        return passes(FILTER, packet, ethertype);
    }

    @Test
    void tcpSynsToKnockPortsAndTheirNeighboursPass() {
        for (int port : new int[] {6999, 7000, 7001, 7002, 7003}) {
            assertTrue(passes(ipv4(A4, B4, TCP, tcp(port, SYN)), IPV4), "IPv4 SYN to " + port);
            assertTrue(passes(ipv6(A6, B6, TCP, tcp(port, SYN)), IPV6), "IPv6 SYN to " + port);
        }
        for (int port : new int[] {22, 6998, 7004, 8000}) {
            assertTrue(!passes(ipv4(A4, B4, TCP, tcp(port, SYN)), IPV4), "IPv4 SYN to " + port + " passed");
            assertTrue(!passes(ipv6(A6, B6, TCP, tcp(port, SYN)), IPV6), "IPv6 SYN to " + port + " passed");
        }
        assertTrue(!passes(ipv4(A4, B4, TCP, tcp(7000, SYN | ACK)), IPV4), "SYN-ACK passed");
        assertTrue(!passes(ipv4(A4, B4, TCP, tcp(7000, ACK)), IPV4), "ACK passed");
        assertTrue(!passes(ipv6(A6, B6, TCP, tcp(7000, SYN | ACK)), IPV6), "IPv6 SYN-ACK passed");
    }

    @Test
    void udpPassesOnlyNearUdpSteps() {
        assertTrue(passes(ipv4(A4, B4, UDP, udp(8000, 4)), IPV4));
        assertTrue(passes(ipv4(A4, B4, UDP, udp(9001, 4)), IPV4));
        assertTrue(passes(ipv6(A6, B6, UDP, udp(7999, 4)), IPV6));
        assertTrue(!passes(ipv4(A4, B4, UDP, udp(7000, 4)), IPV4), "UDP to a TCP step port passed");
        assertTrue(!passes(ipv4(A4, B4, UDP, udp(8002, 4)), IPV4), "UDP 8002 passed");
        assertTrue(!passes(ipv4(A4, B4, UDP, udp(53, 4)), IPV4), "UDP 53 passed");
    }

    @Test
    void echoRequestsPassOtherIcmpDoesNot() {
        assertTrue(passes(ipv4(A4, B4, ICMP, icmp(8, 64)), IPV4));
        assertTrue(passes(ipv6(A6, B6, ICMP6, icmp(128, 64)), IPV6));
        assertTrue(!passes(ipv4(A4, B4, ICMP, icmp(0, 64)), IPV4), "echo reply passed");
        assertTrue(!passes(ipv4(A4, B4, ICMP, icmp(3, 64)), IPV4), "unreachable passed");
        assertTrue(!passes(ipv6(A6, B6, ICMP6, icmp(135, 24)), IPV6), "neighbour solicitation passed");
        assertTrue(!passes(ipv6(A6, B6, ICMP6, icmp(129, 64)), IPV6), "echo reply passed");
    }

    @Test
    void withoutIcmpStepsNoEchoPasses() {
        BpfProgram filter = KnockFilter.build(sequences("""
                [sequence one]
                steps = 7000/tcp 8000/udp
                knock-address = 198.18.0.1
                """));
        assertTrue(!passes(filter, ipv4(A4, B4, ICMP, icmp(8, 64)), IPV4));
        assertTrue(!passes(filter, ipv6(A6, B6, ICMP6, icmp(128, 64)), IPV6));
        assertTrue(passes(filter, ipv4(A4, B4, TCP, tcp(7000, SYN)), IPV4));
    }

    @Test
    void ipv6ExtensionHeadersGoToUserSpaceEspAndNoNextHeaderDoNot() {
        assertTrue(passes(ipv6(A6, B6, 0, ext(6, 1), tcp(22, SYN)), IPV6), "hop-by-hop");
        assertTrue(passes(ipv6(A6, B6, 60, ext(17, 1), udp(8000, 0)), IPV6), "destination options");
        assertTrue(passes(ipv6(A6, B6, 44, fragment(17, 0, true), udp(8000, 0)), IPV6), "fragment");
        assertTrue(passes(ipv6(A6, B6, 51, ah(17, 3), udp(8000, 0)), IPV6), "AH");
        assertTrue(passes(ipv6(A6, B6, 43, ext(17, 1), udp(8000, 0)), IPV6), "routing");
        assertTrue(!passes(ipv6(A6, B6, 50, new byte[24]), IPV6), "ESP passed");
        assertTrue(!passes(ipv6(A6, B6, 59), IPV6), "no next header passed");
    }

    @Test
    void nonFirstIpv4FragmentsAreRejectedFirstFragmentsPass() {
        assertTrue(!passes(ipv4(A4, B4, UDP, 185, udp(8000, 0)), IPV4), "non-first fragment passed");
        assertTrue(!passes(ipv4(A4, B4, UDP, 0x2000 | 185, udp(8000, 0)), IPV4), "middle fragment passed");
        assertTrue(passes(ipv4(A4, B4, UDP, 0x2000, udp(8000, 100)), IPV4), "first fragment");
    }

    @Test
    void onlyPacketsForThisHostOfKnownEthertypeAndVersionPass() {
        byte[] syn = ipv4(A4, B4, TCP, tcp(7000, SYN));
        for (int pktType = 1; pktType <= 4; pktType++) {
            assertEquals(0, BpfInterpreter.run(FILTER, syn, IPV4, pktType, 2), "pkttype " + pktType);
        }
        assertTrue(!passes(syn, 0x0806), "ARP ethertype passed");
        assertTrue(!passes(syn, IPV6), "IPv4 bytes under the IPv6 ethertype passed");
        assertTrue(!passes(ipv6(A6, B6, TCP, tcp(7000, SYN)), IPV4), "IPv6 bytes under the IPv4 ethertype passed");
        assertTrue(!passes(new byte[0], IPV4), "empty packet passed");
        assertTrue(!passes(new byte[] {0x45, 0, 0, 20}, IPV4), "truncated header passed");
    }

    @Test
    void rangesMergeAndManyRangesKeepEveryJumpShort() {
        List<int[]> merged = KnockFilter.ranges(sequences("""
                [sequence one]
                steps = 7000/tcp 7002/tcp 7010/tcp 1/tcp 65535/udp
                knock-address = 198.18.0.1
                scan-adjacent = 1
                """), knock.sequence.Protocol.TCP);
        assertEquals("[[1, 2], [6999, 7003], [7009, 7011]]",
                merged.stream().map(java.util.Arrays::toString).toList().toString());

        List<int[]> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add(new int[] {100 + i * 10, 102 + i * 10});
        }
        BpfProgram filter = KnockFilter.build(many, many, true);
        assertTrue(filter.length() < BpfProgram.MAX_INSTRUCTIONS, "length " + filter.length());
        for (int port = 90; port < 4200; port++) {
            boolean expected = port >= 100 && port <= 4092 && (port - 100) % 10 <= 2;
            assertEquals(expected, passes(filter, ipv4(A4, B4, UDP, udp(port, 0)), IPV4), "UDP " + port);
            assertEquals(expected, passes(filter, ipv6(A6, B6, TCP, tcp(port, SYN)), IPV6), "TCP " + port);
        }
    }

    @Test
    void tooManyRangesForTheKernelPassEveryPortOfThatProtocol() {
        List<int[]> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new int[] {100 + i * 10, 100 + i * 10});
        }
        BpfProgram filter = KnockFilter.build(many, List.of(), false);
        assertTrue(passes(filter, ipv4(A4, B4, TCP, tcp(22, SYN)), IPV4), "SYN to 22 with the catch-all filter");
        assertTrue(!passes(filter, ipv4(A4, B4, UDP, udp(100, 0)), IPV4), "UDP without UDP steps passed");
    }

    @Test
    void whatPassesTheFilterIsWhatTheDecoderCallsAKnockOnAStepPort() {
        Random random = new Random(42);
        PacketDecoder decoder = new PacketDecoder();
        for (int i = 0; i < 5000; i++) {
            int port = 6990 + random.nextInt(40);
            int flags = random.nextInt(64);
            boolean v6 = random.nextBoolean();
            byte[] p = v6 ? ipv6(A6, B6, TCP, tcp(port, flags)) : ipv4(A4, B4, TCP, tcp(port, flags));
            boolean knock = decoder.decode(MemorySegment.ofArray(p), 0, p.length) == Verdict.KNOCK;
            boolean wanted = knock && port >= 6999 && port <= 7003;
            assertEquals(wanted, passes(p, v6 ? IPV6 : IPV4), "port " + port + " flags " + flags);
        }
    }
}
