package knock.packet;

/**
 * Builds ICMP echo requests, for the client's ICMP knocks and the tests' (raw and ping sockets take the ICMP
 * header and data, no IP header): type 8 for IPv4, type 128 for ICMPv6, then code 0, checksum, identifier, sequence
 * and {@code payloadLength} bytes of payload (the length is what the server matches an ICMP step by).
 *
 * <p>The IPv4 checksum is computed here (a raw IPv4 socket sends what it is given). The ICMPv6 checksum covers
 * a pseudo-header with the source address, which only the kernel knows, and the kernel fills it in on raw
 * ICMPv6 sockets (RFC 3542 3.1) and on ping sockets; it is left zero. On a ping socket the kernel also
 * replaces the identifier.
 */
public final class IcmpEcho {

    public static final int HEADER = 8;
    public static final int ECHO_REQUEST_V4 = 8;
    public static final int ECHO_REQUEST_V6 = 128;

    private IcmpEcho() {
    }

    public static byte[] echoRequest(boolean ipv6, int id, int seq, int payloadLength) {
        byte[] p = new byte[HEADER + payloadLength];
        p[0] = (byte) (ipv6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4);
        p[4] = (byte) (id >>> 8);
        p[5] = (byte) id;
        p[6] = (byte) (seq >>> 8);
        p[7] = (byte) seq;
        for (int i = 0; i < payloadLength; i++) {
            p[HEADER + i] = (byte) (0x10 + i); // ping(8)'s fill pattern after its timestamp
        }
        if (!ipv6) {
            int sum = checksum(p);
            p[2] = (byte) (sum >>> 8);
            p[3] = (byte) sum;
        }
        return p;
    }

    /** The Internet checksum (RFC 1071) of {@code data}: ones' complement of the ones' complement sum. */
    public static int checksum(byte[] data) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < data.length) {
            sum += (data[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
