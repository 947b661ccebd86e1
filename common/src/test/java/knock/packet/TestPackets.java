package knock.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Crafts packets that start at the network header, for decoder and BPF tests (shared through the test-jar). */
public final class TestPackets {

    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMP6 = 58;
    public static final int SYN = 0x02;
    public static final int ACK = 0x10;
    /** Ethertypes for {@code Host.sendFrames}: IPv4, IPv6, and an 802.1Q tag before either. */
    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int ETH_VLAN = 0x8100;

    private TestPackets() {
    }

    public static byte[] tcp(int dstPort, int flags) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) 40000).putShort((short) dstPort).putInt(1).putInt(0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 64240).putInt(0);
        return b.array();
    }

    public static byte[] udp(int dstPort, int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) 40000).putShort((short) dstPort).putShort((short) (8 + payload)).putShort((short) 0);
        return b.array();
    }

    /** An ICMP message of {@code type} (8 echo request, 128 ICMPv6 echo request) with {@code payload} bytes. */
    public static byte[] icmp(int type, int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1);
        return b.array();
    }

    public static byte[] ipv4(String src, String dst, int protocol, byte[] l4) {
        return ipv4(src, dst, protocol, 0, l4);
    }

    /** {@code fragment}: the flags and offset field (0x2000 more fragments, low 13 bits the offset in 8s). */
    public static byte[] ipv4(String src, String dst, int protocol, int fragment, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 7)
                .putShort((short) fragment).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(addr(src)).put(addr(dst)).put(l4);
        byte[] p = b.array();
        setChecksum(p, 20);
        return p;
    }

    /**
     * An IPv4 packet with {@code options} after the fixed header (padded with end-of-options to a multiple of 4),
     * e.g. {@link #looseSourceRoute}.
     */
    public static byte[] ipv4WithOptions(String src, String dst, int protocol, byte[] options, byte[] l4) {
        int optionLength = (options.length + 3) & ~3;
        int headerLength = 20 + optionLength;
        ByteBuffer b = ByteBuffer.allocate(headerLength + l4.length);
        b.put((byte) (0x40 | headerLength / 4)).put((byte) 0).putShort((short) (headerLength + l4.length))
                .putShort((short) 7).putShort((short) 0).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(addr(src)).put(addr(dst)).put(options).position(headerLength).put(l4);
        byte[] p = b.array();
        setChecksum(p, headerLength);
        return p;
    }

    /** An IPv4 loose source route option (LSRR, type 131) through {@code hops}, pointer at the first. */
    public static byte[] looseSourceRoute(String... hops) {
        ByteBuffer b = ByteBuffer.allocate(3 + 4 * hops.length);
        b.put((byte) 131).put((byte) (3 + 4 * hops.length)).put((byte) 4);
        for (String hop : hops) {
            b.put(addr(hop));
        }
        return b.array();
    }

    /** An 802.1Q tag for VLAN {@code id} (priority 0) before {@code packet} of {@code ethertype}: send as ETH_VLAN. */
    public static byte[] vlan(int id, int ethertype, byte[] packet) {
        return ByteBuffer.allocate(4 + packet.length).putShort((short) (id & 0xfff)).putShort((short) ethertype)
                .put(packet).array();
    }

    /** Recomputes the IPv4 header checksum over {@code headerLength} bytes. */
    public static void setChecksum(byte[] p, int headerLength) {
        p[10] = 0;
        p[11] = 0;
        int sum = 0;
        for (int i = 0; i < headerLength; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        p[10] = (byte) (~sum >>> 8);
        p[11] = (byte) ~sum;
    }

    /** An IPv6 packet; {@code payload} is the extension headers (see {@link #ext}) and the transport header. */
    public static byte[] ipv6(String src, String dst, int next, byte[]... payload) {
        byte[] body = concat(payload);
        ByteBuffer b = ByteBuffer.allocate(40 + body.length);
        b.putInt(0x6000_0000).putShort((short) body.length).put((byte) next).put((byte) 64)
                .put(addr(src)).put(addr(dst)).put(body);
        return b.array();
    }

    /** A hop-by-hop, routing or destination-options header of {@code units} 8-byte units, padded with PadN. */
    public static byte[] ext(int next, int units) {
        byte[] h = new byte[units * 8];
        h[0] = (byte) next;
        h[1] = (byte) (units - 1);
        h[2] = 1; // PadN
        h[3] = (byte) (h.length - 4);
        return h;
    }

    /**
     * An IPv6 routing header (type 0) of {@code units} 8-byte units with {@code segmentsLeft}: a packet that names
     * the box as a waypoint when segments are left.
     */
    public static byte[] routing(int next, int segmentsLeft, int units) {
        byte[] h = new byte[units * 8];
        h[0] = (byte) next;
        h[1] = (byte) (units - 1);
        h[3] = (byte) segmentsLeft;
        return h;
    }

    /** An IPv6 fragment header: {@code offset} in 8-byte units, {@code more} the M flag. */
    public static byte[] fragment(int next, int offset, boolean more) {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put((byte) next).put((byte) 0).putShort((short) ((offset << 3) | (more ? 1 : 0))).putInt(0x1234);
        return b.array();
    }

    /** An authentication header with {@code icvWords} 4-byte words of ICV (payload length = 1 + icvWords). */
    public static byte[] ah(int next, int icvWords) {
        byte[] h = new byte[12 + icvWords * 4];
        h[0] = (byte) next;
        h[1] = (byte) (1 + icvWords);
        return h;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
