package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Walks the netlink messages of one {@link NflogSocket#receive} and stops at each logged packet: where its
 * payload (the packet from its network header, cut at the copy range) lies in the buffer, its family and the
 * interface it came in on. One instance is reused for every read: {@link #reset} then {@link #next} until it
 * returns false; absolute reads, no allocation, no exceptions for bad input.
 *
 * <p>Anything that is not a well-formed {@code NFULNL_MSG_PACKET} with a payload is skipped and counted in
 * {@link #malformed()}: a message whose length runs past the read, an attribute that runs past its message, a
 * packet message without payload. Error, done and no-op messages are skipped silently; an {@code NLMSG_OVERRUN}
 * is counted in {@link #overruns()}.
 */
public final class NflogMessages {

    /** The netlink message type of a logged packet: subsystem ULOG, message PACKET. */
    public static final int PACKET = NflogSocket.NFNL_SUBSYS_ULOG << 8 | NflogSocket.NFULNL_MSG_PACKET;

    static final int NFULA_IFINDEX_INDEV = 4;
    static final int NFULA_PAYLOAD = 9;
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    // Native order; unaligned, so a heap segment (a test's byte[]) reads the same.
    private static final ValueLayout.OfInt JAVA_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort JAVA_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private MemorySegment buffer = MemorySegment.NULL;
    private long end;
    private long at;

    private int family;
    private int inInterface;
    private long payloadOffset;
    private int payloadLength;
    private long malformed;
    private long overruns;

    /** Starts on the {@code length} bytes a receive put at the start of {@code buffer}. */
    public void reset(MemorySegment buffer, int length) {
        this.buffer = buffer;
        this.end = Math.min(length, buffer.byteSize());
        this.at = 0;
    }

    /** Moves to the next logged packet; false when the read holds no more. */
    public boolean next() {
        while (end - at >= NflogSocket.NLMSG_HDRLEN) {
            long message = at;
            int length = buffer.get(JAVA_INT, message);
            if (length < NflogSocket.NLMSG_HDRLEN || length > end - message) {
                malformed++;
                at = end; // the rest cannot be framed
                return false;
            }
            at = message + NflogSocket.align(length);
            int type = buffer.get(JAVA_SHORT, message + 4) & 0xffff;
            if (type == PACKET) {
                if (packet(message, message + length)) {
                    return true;
                }
                malformed++;
            } else if (type == NflogSocket.NLMSG_OVERRUN) {
                overruns++;
            }
        }
        return false;
    }

    private boolean packet(long message, long messageEnd) {
        long attrs = message + NflogSocket.NLMSG_HDRLEN + NflogSocket.NFGENMSG_LEN;
        if (attrs > messageEnd) {
            return false;
        }
        family = switch (buffer.get(JAVA_BYTE, message + NflogSocket.NLMSG_HDRLEN) & 0xff) {
            case AF_INET -> 4;
            case AF_INET6 -> 6;
            default -> 0;
        };
        if (family == 0) {
            return false;
        }
        inInterface = 0;
        payloadLength = -1;
        for (long a = attrs; messageEnd - a >= 4; ) {
            int length = buffer.get(JAVA_SHORT, a) & 0xffff;
            if (length < 4 || length > messageEnd - a) {
                return false;
            }
            switch (buffer.get(JAVA_SHORT, a + 2) & NLA_TYPE_MASK) {
                case NFULA_PAYLOAD -> {
                    payloadOffset = a + 4;
                    payloadLength = length - 4;
                }
                case NFULA_IFINDEX_INDEV -> {
                    if (length >= 8) {
                        inInterface = buffer.get(BE32, a + 4);
                    }
                }
                default -> {
                    // hardware header, timestamp, prefix, ...: not needed
                }
            }
            a += NflogSocket.align(length);
        }
        return payloadLength >= 0;
    }

    /** 4 or 6: the family of the hook that logged the packet. */
    public int family() {
        return family;
    }

    /** The interface index the packet came in on; 0 if the kernel did not say. */
    public int inInterface() {
        return inInterface;
    }

    /** Where the packet starts in the buffer (its network header). */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** How many bytes of the packet were copied: its length, or the copy range if it was longer. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Messages skipped as malformed since this instance was made. */
    public long malformed() {
        return malformed;
    }

    /** {@code NLMSG_OVERRUN} messages seen. */
    public long overruns() {
        return overruns;
    }
}
