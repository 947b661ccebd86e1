package knock.testnet;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * ICMP and ICMPv6 echo requests as raw sockets take them: the ICMP header and the data, no IP header.
 *
 * <p>The data is a counting pattern, like ping's. The IPv4 checksum is ours to fill in; for ICMPv6 the
 * kernel computes it over the pseudo-header (RFC 3542 section 3.1), so the field stays zero.
 */
final class IcmpEcho {
    private static final int ECHO_REQUEST_V4 = 8;
    private static final int ECHO_REQUEST_V6 = 128;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private IcmpEcho() {
    }

    static byte[] request(int family, int payloadLength) {
        byte[] packet = new byte[8 + payloadLength];
        packet[0] = (byte) (family == 4 ? ECHO_REQUEST_V4 : ECHO_REQUEST_V6);
        long id = ProcessHandle.current().pid();
        packet[4] = (byte) (id >>> 8);
        packet[5] = (byte) id;
        int sequence = SEQUENCE.incrementAndGet();
        packet[6] = (byte) (sequence >>> 8);
        packet[7] = (byte) sequence;
        for (int i = 0; i < payloadLength; i++) {
            packet[8 + i] = (byte) i;
        }
        if (family == 4) {
            int sum = checksum(packet);
            packet[2] = (byte) (sum >>> 8);
            packet[3] = (byte) sum;
        }
        return packet;
    }

    /** The Internet checksum (RFC 1071) over {@code data}. */
    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if ((data.length & 1) != 0) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
