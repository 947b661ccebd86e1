package knock.server.capture;

import static knock.packet.TestPackets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import knock.sequence.Protocol;
import knock.server.Knock;

class PacketDecoderTest {

    private static final String A4 = "198.18.0.2";
    private static final String B4 = "198.18.0.1";
    private static final String A6 = "fd6b:6e6f:636b::2";
    private static final String B6 = "fd6b:6e6f:636b::1";

    private final PacketDecoder decoder = new PacketDecoder();
    private final Knock knock = new Knock();

    private Verdict decode(byte[] packet) {
        return decoder.decode(MemorySegment.ofArray(packet), 0, packet.length, 7L, knock);
    }

    private void assertKnock(byte[] packet, Protocol protocol, int value) {
        assertEquals(Verdict.KNOCK, decode(packet), "verdict");
        assertEquals(protocol, knock.protocol(), "protocol");
        assertEquals(value, knock.value(), "value");
    }

    @Test
    void ipv4TcpSynIsAKnockWithItsAddressesAsInts() {
        assertKnock(ipv4(A4, B4, TCP, tcp(7000, SYN)), Protocol.TCP, 7000);
        assertEquals(4, knock.family());
        assertEquals(0, knock.srcHi());
        assertEquals(0xc612_0002L, knock.srcLo(), "source 198.18.0.2");
        assertEquals(0xc612_0001L, knock.dstLo(), "destination 198.18.0.1");
        assertEquals(40000, knock.srcPort(), "source port");
    }

    @Test
    void synAckAndBareAckAreNotKnocks() {
        assertEquals(Verdict.IGNORED, decode(ipv4(A4, B4, TCP, tcp(7000, SYN | ACK))));
        assertEquals(Verdict.IGNORED, decode(ipv4(A4, B4, TCP, tcp(7000, ACK))));
    }

    @Test
    void udpAndIcmpEchoAreKnocks() {
        assertKnock(ipv4(A4, B4, UDP, udp(8000, 5)), Protocol.UDP, 8000);
        assertEquals(40000, knock.srcPort(), "UDP source port");
        assertKnock(ipv4(A4, B4, ICMP, icmp(8, 64)), Protocol.ICMP, 64);
        assertEquals(1, knock.srcPort(), "ICMP echo identifier");
        assertKnock(ipv4(A4, B4, ICMP, icmp(8, 0)), Protocol.ICMP, 0);
        assertEquals(Verdict.IGNORED, decode(ipv4(A4, B4, ICMP, icmp(0, 64))), "echo reply");
        assertEquals(Verdict.IGNORED, decode(ipv4(A4, B4, ICMP, icmp(128, 64))), "ICMPv6 type in IPv4");
    }

    @Test
    void ethernetPaddingPastTheTotalLengthIsIgnored() {
        byte[] p = ipv4(A4, B4, ICMP, icmp(8, 2));
        assertKnock(Arrays.copyOf(p, 60), Protocol.ICMP, 2);
    }

    @Test
    void truncatedOrInconsistentIpv4IsMalformed() {
        byte[] p = ipv4(A4, B4, UDP, udp(8000, 10));
        for (int cut = 0; cut < p.length; cut++) {
            assertEquals(Verdict.MALFORMED, decode(Arrays.copyOf(p, cut)), "cut to " + cut);
        }
        byte[] badSum = p.clone();
        badSum[8]--;
        assertEquals(Verdict.MALFORMED, decode(badSum), "header checksum");
        byte[] shortIhl = p.clone();
        shortIhl[0] = 0x44;
        setChecksum(shortIhl, 20);
        assertEquals(Verdict.MALFORMED, decode(shortIhl), "IHL 4");
        byte[] udpTooLong = p.clone();
        udpTooLong[20 + 5] = 100;
        setChecksum(udpTooLong, 20);
        assertEquals(Verdict.MALFORMED, decode(udpTooLong), "UDP length past the IP payload");
        byte[] version5 = p.clone();
        version5[0] = 0x55;
        assertEquals(Verdict.MALFORMED, decode(version5), "version 5");
        assertEquals(Verdict.MALFORMED, decode(new byte[0]), "empty");
    }

    @Test
    void ipv4OptionsMoveTheTransportHeader() {
        byte[] plain = ipv4(A4, B4, UDP, udp(8000, 0));
        byte[] p = new byte[plain.length + 8];
        System.arraycopy(plain, 0, p, 0, 20);
        p[20] = 1; // NOP options
        Arrays.fill(p, 20, 28, (byte) 1);
        System.arraycopy(plain, 20, p, 28, plain.length - 20);
        p[0] = 0x47;
        p[3] = (byte) p.length;
        setChecksum(p, 28);
        assertKnock(p, Protocol.UDP, 8000);
    }

    @Test
    void ipv4FragmentsCountOnlyAsFirstFragmentsWithTheWholeTcpOrUdpHeader() {
        assertEquals(Verdict.FRAGMENT, decode(ipv4(A4, B4, UDP, 100, udp(8000, 0))), "non-first");
        assertEquals(Verdict.FRAGMENT, decode(ipv4(A4, B4, UDP, 0x2000 | 1, udp(8000, 0))), "non-first, MF");
        assertKnock(ipv4(A4, B4, UDP, 0x2000, udp(8000, 100)), Protocol.UDP, 8000);
        assertKnock(ipv4(A4, B4, TCP, 0x2000, tcp(7000, SYN)), Protocol.TCP, 7000);
        assertEquals(Verdict.FRAGMENT, decode(ipv4(A4, B4, TCP, 0x2000, Arrays.copyOf(tcp(7000, SYN), 16))),
                "first fragment cut inside the TCP header");
        assertEquals(Verdict.FRAGMENT, decode(ipv4(A4, B4, ICMP, 0x2000, icmp(8, 64))),
                "a fragmented echo's payload length is unknown");
        assertKnock(ipv4(A4, B4, UDP, 0x4000, udp(8000, 0)), Protocol.UDP, 8000); // DF is no fragment
    }

    @Test
    void ipv6KnocksCarryTheAddressesAsTwoLongs() {
        assertKnock(ipv6(A6, B6, TCP, tcp(7000, SYN)), Protocol.TCP, 7000);
        assertEquals(6, knock.family());
        assertEquals(0xfd6b_6e6f_636b_0000L, knock.srcHi());
        assertEquals(2L, knock.srcLo());
        assertEquals(0xfd6b_6e6f_636b_0000L, knock.dstHi());
        assertEquals(1L, knock.dstLo());
        assertKnock(ipv6(A6, B6, UDP, udp(8000, 3)), Protocol.UDP, 8000);
        assertKnock(ipv6(A6, B6, ICMP6, icmp(128, 56)), Protocol.ICMP, 56);
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, ICMP6, icmp(129, 56))), "echo reply");
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, ICMP6, icmp(135, 24))), "neighbour solicitation");
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, ICMP, icmp(8, 56))), "ICMPv4 in IPv6");
    }

    @Test
    void ipv6ExtensionHeaderChainsAreWalked() {
        // hop-by-hop, destination options, AH, routing, fragment (atomic), UDP
        assertKnock(ipv6(A6, B6, 0, ext(60, 1), ext(51, 2), ah(43, 3), routing(44, 0, 1), fragment(17, 0, false),
                udp(8000, 0)),
                Protocol.UDP, 8000);
        assertKnock(ipv6(A6, B6, 60, ext(58, 1), icmp(128, 32)), Protocol.ICMP, 32);
        assertKnock(ipv6(A6, B6, 0, ext(6, 1), tcp(7000, SYN)), Protocol.TCP, 7000);
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, 60, ext(59, 1))), "no next header");
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, 50, new byte[16])), "ESP");
    }

    @Test
    void aRoutingHeaderWithSegmentsLeftIsNoKnockTheBoxIsOnlyAWaypoint() {
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, 43, routing(17, 1, 3), udp(8000, 0))), "type 0, 1 left");
        byte[] type2 = routing(6, 1, 3);
        type2[2] = 2;
        assertEquals(Verdict.IGNORED, decode(ipv6(A6, B6, 60, ext(43, 1), type2, tcp(7000, SYN))), "behind options");
        assertKnock(ipv6(A6, B6, 43, routing(17, 0, 3), udp(8000, 0)), Protocol.UDP, 8000);
    }

    @Test
    void aCutCopyIsJudgedByTheLengthsItsHeadersState() {
        byte[] v4 = ipv4(A4, B4, ICMP, icmp(8, 1400));
        assertEquals(Verdict.MALFORMED, decode(Arrays.copyOf(v4, 512)), "a whole packet cannot be shorter");
        assertEquals(Verdict.KNOCK,
                decoder.decodeCut(MemorySegment.ofArray(Arrays.copyOf(v4, 512)), 0, 512, 7L, knock));
        assertEquals(Protocol.ICMP, knock.protocol());
        assertEquals(1400, knock.value(), "the echo's size from the total length, not the copy");
        byte[] v6 = ipv6(A6, B6, 0, ext(58, 1), icmp(128, 1400));
        assertEquals(Verdict.KNOCK, decoder.decodeCut(MemorySegment.ofArray(v6), 0, 512, 7L, knock));
        assertEquals(1400, knock.value());
        byte[] udp6 = ipv6(A6, B6, 60, ext(17, 60), udp(8000, 10));
        assertEquals(Verdict.MALFORMED, decoder.decodeCut(MemorySegment.ofArray(udp6), 0, 512, 7L, knock),
                "cut before the UDP header");
        assertEquals(Verdict.KNOCK, decoder.decodeCut(MemorySegment.ofArray(udp6), 0, 40 + 488 + 8, 7L, knock));
        byte[] tcp4 = ipv4(A4, B4, TCP, tcp(7000, SYN));
        assertEquals(Verdict.MALFORMED, decoder.decodeCut(MemorySegment.ofArray(tcp4), 0, 33, 7L, knock), "cut before the flags");
        assertEquals(Verdict.KNOCK, decoder.decodeCut(MemorySegment.ofArray(tcp4), 0, 34, 7L, knock));
        assertEquals(Verdict.MALFORMED, decoder.decodeCut(MemorySegment.ofArray(tcp4), 0, 19, 7L, knock), "cut in the header");
    }

    @Test
    void bogusIpv6ChainsAreMalformed() {
        assertEquals(Verdict.MALFORMED, decode(ipv6(A6, B6, 60, ext(0, 1), ext(17, 1), udp(8000, 0))),
                "hop-by-hop after another header");
        byte[][] chain = new byte[PacketDecoder.MAX_EXTENSION_HEADERS + 2][];
        for (int i = 0; i < chain.length - 1; i++) {
            chain[i] = ext(60, 1);
        }
        chain[chain.length - 1] = udp(8000, 0);
        chain[chain.length - 2] = ext(17, 1);
        assertEquals(Verdict.MALFORMED, decode(ipv6(A6, B6, 60, chain)), "over-long chain");
        byte[][] longest = Arrays.copyOfRange(chain, 1, chain.length);
        assertKnock(ipv6(A6, B6, 60, longest), Protocol.UDP, 8000);
        byte[] overrun = ipv6(A6, B6, 60, ext(17, 1), udp(8000, 0));
        overrun[41] = 5; // a 48-byte header in a 16-byte payload
        assertEquals(Verdict.MALFORMED, decode(overrun), "header length past the payload");
        byte[] cut = ipv6(A6, B6, 60, ext(17, 1));
        assertEquals(Verdict.MALFORMED, decode(cut), "no room for the UDP header");
    }

    @Test
    void truncatedIpv6IsMalformed() {
        byte[] p = ipv6(A6, B6, 0, ext(6, 1), tcp(7000, SYN));
        for (int cut = 0; cut < p.length; cut++) {
            assertEquals(Verdict.MALFORMED, decode(Arrays.copyOf(p, cut)), "cut to " + cut);
        }
        byte[] badDataOffset = ipv6(A6, B6, TCP, tcp(7000, SYN));
        badDataOffset[40 + 12] = 0x40;
        assertEquals(Verdict.MALFORMED, decode(badDataOffset), "TCP data offset 4");
    }

    @Test
    void ipv6FragmentsCountOnlyAsFirstFragmentsWithTheWholeTcpOrUdpHeader() {
        assertEquals(Verdict.FRAGMENT, decode(ipv6(A6, B6, 44, fragment(17, 10, true), udp(8000, 0))));
        assertEquals(Verdict.FRAGMENT, decode(ipv6(A6, B6, 44, fragment(17, 10, false), udp(8000, 0))));
        assertKnock(ipv6(A6, B6, 44, fragment(17, 0, true), udp(8000, 100)), Protocol.UDP, 8000);
        assertEquals(Verdict.FRAGMENT, decode(ipv6(A6, B6, 44, fragment(6, 0, true), new byte[12])),
                "first fragment cut inside the TCP header");
        assertEquals(Verdict.FRAGMENT, decode(ipv6(A6, B6, 44, fragment(58, 0, true), icmp(128, 64))));
        assertKnock(ipv6(A6, B6, 44, fragment(58, 0, false), icmp(128, 64)), Protocol.ICMP, 64);
    }

    @Test
    void portZeroIsNoKnock() {
        assertEquals(Verdict.IGNORED, decode(ipv4(A4, B4, UDP, udp(0, 0))));
    }

    @Test
    void decodingAllocatesNothing() {
        MemorySegment v4 = MemorySegment.ofArray(ipv4(A4, B4, TCP, tcp(7000, SYN)));
        MemorySegment v6 = MemorySegment.ofArray(ipv6(A6, B6, 0, ext(60, 1), ext(17, 2), udp(8000, 0)));
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            decoder.decode(v4, 0, (int) v4.byteSize(), 7L, knock);
            decoder.decode(v6, 0, (int) v6.byteSize(), 7L, knock);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            decoder.decode(v4, 0, (int) v4.byteSize(), 7L, knock);
            decoder.decode(v6, 0, (int) v6.byteSize(), 7L, knock);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 64 * 1024, allocated + " bytes for 200000 packets");
    }

    @Test
    void decodesAtAnOffsetInsideALargerSegment() {
        byte[] p = ipv4(A4, B4, UDP, udp(8000, 0));
        byte[] big = new byte[p.length + 100];
        System.arraycopy(p, 0, big, 37, p.length);
        assertEquals(Verdict.KNOCK, decoder.decode(MemorySegment.ofArray(big), 37, p.length, 7L, knock));
        assertEquals(8000, knock.value());
    }
}
