package knock.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class IcmpEchoTest {

    @Test
    void checksumMatchesTheRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its complement
        assertEquals(~0xddf2 & 0xffff, IcmpEcho.checksum(HexFormat.of().parseHex("0001f203f4f5f6f7")));
    }

    @Test
    void checksumPadsAnOddLengthWithAZeroByte() {
        assertEquals(IcmpEcho.checksum(HexFormat.of().parseHex("ab")), IcmpEcho.checksum(HexFormat.of().parseHex("ab00")));
    }

    @Test
    void anIpv4EchoRequestVerifiesToZeroAndCarriesItsPayloadLength() {
        for (int size : new int[] {0, 1, 56, 63, 64, 1452}) {
            byte[] p = IcmpEcho.echoRequest(false, 0x1234, 3, size);
            assertEquals(8 + size, p.length, "header plus payload bytes for icmp/" + size);
            assertEquals(8, p[0], "type 8: echo request");
            assertEquals(0, p[1], "code 0");
            assertEquals(0x12, p[4] & 0xff);
            assertEquals(0x34, p[5] & 0xff);
            assertEquals(3, p[7]);
            assertEquals(0, IcmpEcho.checksum(p), "a correct checksum makes the whole packet sum to 0xffff");
        }
    }

    @Test
    void anIcmpv6EchoRequestIsType128AndLeavesTheChecksumToTheKernel() {
        byte[] p = IcmpEcho.echoRequest(true, 7, 1, 64);
        assertEquals(128, p[0] & 0xff);
        assertEquals(0, p[2]);
        assertEquals(0, p[3]);
        assertEquals(72, p.length);
    }
}
