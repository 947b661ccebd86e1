package knock.net;

import static knock.packet.TestPackets.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The netlink side of a read, on messages laid out as nfnetlink_log sends them (linux/netfilter/nfnetlink_log.h). */
class NflogMessagesTest {

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final NflogMessages messages = new NflogMessages();

    /** One NFULNL_MSG_PACKET: packet header, input interface, hardware address, payload, as the kernel orders them. */
    static byte[] packetMessage(int family, int ifindex, byte[] payload) {
        ByteArrayOutputStream attrs = new ByteArrayOutputStream();
        attrs.writeBytes(attr(1, new byte[] {8, 0, 1, 0}));                                   // NFULA_PACKET_HDR
        attrs.writeBytes(attr(4, ByteBuffer.allocate(4).putInt(ifindex).array()));            // NFULA_IFINDEX_INDEV
        attrs.writeBytes(attr(8, new byte[12]));                                              // NFULA_HWADDR
        attrs.writeBytes(attr(9, payload));                                                   // NFULA_PAYLOAD
        return message(NflogMessages.PACKET, family, attrs.toByteArray());
    }

    static byte[] message(int type, int family, byte[] body) {
        int length = 16 + 4 + body.length;
        ByteBuffer b = ByteBuffer.allocate(NflogSocket.align(length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(length).putShort((short) type).putShort((short) 0).putInt(0).putInt(0);
        b.put((byte) family).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) 56625);
        b.put(body);
        return b.array();
    }

    static byte[] attr(int type, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(NflogSocket.align(4 + value.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        return b.array();
    }

    private void read(byte[]... parts) {
        byte[] all = concat(parts);
        messages.reset(MemorySegment.ofArray(all), all.length);
    }

    @Test
    void eachPacketMessageGivesItsPayloadFamilyAndInterface() {
        byte[] v4 = ipv4("198.18.0.2", "198.18.0.1", UDP, udp(8000, 3));
        byte[] v6 = ipv6("fd6b:6e6f:636b::2", "fd6b:6e6f:636b::1", UDP, udp(8000, 1));
        byte[] first = packetMessage(AF_INET, 2, v4);
        read(first, packetMessage(AF_INET6, 7, v6), message(NflogSocket.NLMSG_DONE, 0, new byte[4]));
        assertTrue(messages.next());
        assertEquals(4, messages.family());
        assertEquals(2, messages.inInterface());
        assertEquals(v4.length, messages.payloadLength());
        assertEquals(first.length - NflogSocket.align(4 + v4.length) + 4, messages.payloadOffset());
        assertTrue(messages.next());
        assertEquals(6, messages.family());
        assertEquals(7, messages.inInterface());
        assertEquals(v6.length, messages.payloadLength());
        assertFalse(messages.next(), "NLMSG_DONE is no packet");
        assertEquals(0, messages.malformed());
    }

    @Test
    void brokenMessagesAreCountedAndSkipped() {
        byte[] good = packetMessage(AF_INET, 2, ipv4("198.18.0.2", "198.18.0.1", UDP, udp(8000, 0)));
        byte[] noPayload = message(NflogMessages.PACKET, AF_INET, attr(4, new byte[4]));
        byte[] badFamily = packetMessage(7, 2, new byte[20]);
        byte[] attrPastEnd = message(NflogMessages.PACKET, AF_INET, attr(9, new byte[8]));
        attrPastEnd[20] = 100; // the payload attribute claims 100 bytes
        read(noPayload, badFamily, attrPastEnd, good);
        assertTrue(messages.next(), "the good message after three bad ones");
        assertEquals(3, messages.malformed());
        assertFalse(messages.next());

        byte[] lying = good.clone();
        lying[0] = (byte) 200; // message length past the read: the rest cannot be framed
        read(lying, good);
        assertFalse(messages.next());
        assertEquals(4, messages.malformed());
        read(Arrays.copyOf(good, 10));
        assertFalse(messages.next(), "less than a header: nothing");
    }

    @Test
    void anOverrunMessageIsCounted() {
        read(message(NflogSocket.NLMSG_OVERRUN, 0, new byte[0]));
        assertFalse(messages.next());
        assertEquals(1, messages.overruns());
    }

    @Test
    void walkingAllocatesNothing() {
        byte[] all = concat(packetMessage(AF_INET, 2, ipv4("198.18.0.2", "198.18.0.1", UDP, udp(8000, 0))),
                packetMessage(AF_INET6, 2, ipv6("fd6b:6e6f:636b::2", "fd6b:6e6f:636b::1", TCP, tcp(7000, SYN))));
        MemorySegment segment = MemorySegment.ofArray(all);
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                messages.reset(segment, all.length);
                while (messages.next()) {
                    sum += messages.payloadLength();
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 64 * 1024, allocated + " bytes for 200000 messages");
            }
        }
        assertTrue(sum > 0);
    }
}
