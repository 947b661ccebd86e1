package knock.server.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import knock.sequence.Protocol;
import knock.server.Knock;

/**
 * Decodes one packet that starts at its IPv4 or IPv6 header (what an nflog message carries, and an
 * {@code AF_PACKET/SOCK_DGRAM} socket) into the {@link Knock} holder the rest of the daemon takes. One instance is
 * reused for every packet: {@link #decode} returns a {@link Verdict} and fills the holder only for
 * {@link Verdict#KNOCK}. Absolute reads, no allocation, no exceptions for bad input.
 *
 * <p>What counts, and why:
 * <ul>
 * <li>IPv4: version, header length, total length and the header checksum are checked. Bytes past the total
 *     length (Ethernet padding) are ignored.
 * <li>IPv6: the extension-header chain (hop-by-hop, routing, destination options, fragment, AH) is walked, at
 *     most {@value #MAX_EXTENSION_HEADERS} headers; hop-by-hop anywhere but first is malformed (RFC 8200 4.1).
 *     A routing header with segments left is {@link Verdict#IGNORED}: the box is a waypoint, not the
 *     destination, and the kernel never delivers it to a local socket (it answers a parameter problem or routes
 *     it on) though INPUT sees it. ESP, "no next header" and unknown headers are {@link Verdict#IGNORED}.
 * <li>Fragments: a non-first fragment carries no transport header and is dropped; a first fragment counts for
 *     TCP/UDP only if it holds the whole transport header. An ICMP echo in a fragment is dropped: its payload
 *     length is not known from one fragment. (In INPUT, conntrack has reassembled them all already.)
 * <li>TCP counts only with SYN set and ACK clear; ICMP only as an echo request (type 8, ICMPv6 type 128), whose
 *     {@link #value()} is the IP payload length minus the 8-byte ICMP header: what the client controls.
 * </ul>
 * A cut copy ({@link #decodeCut}, an nflog copy range shorter than the packet) is judged by its headers: the
 * lengths the IP header states count, only the bytes read must have been copied. Checksums of TCP, UDP and ICMP
 * are not checked: locally offloaded packets carry partial checksums here.
 */
final class PacketDecoder {

    /** Longest IPv6 extension-header chain walked; longer chains are hostile or broken. */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP4 = 1;
    private static final int ICMP6 = 58;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AH = 51;
    private static final int DEST_OPTS = 60;

    private static final int TCP_SYN = 0x02;
    private static final int TCP_ACK = 0x10;

    private int family;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private Protocol protocol;
    /** A UDP datagram's payload, when the copy holds all of it; -1 otherwise. */
    private long payloadOffset;
    private int payloadLength;
    private int value;
    private int srcPort;

    /**
     * Decodes {@code length} bytes of {@code packet} from {@code offset}, the whole packet, into {@code knock}
     * (overwritten only on {@link Verdict#KNOCK}).
     *
     * @throws IndexOutOfBoundsException if the range lies outside the segment (a caller's bug, not bad input)
     */
    Verdict decode(MemorySegment packet, long offset, int length, long receivedNanos, Knock knock) {
        return decode(packet, offset, length, false, receivedNanos, knock);
    }

    /**
     * As {@link #decode}, for the first {@code captured} bytes of a packet that may have been longer (its copy was
     * cut): lengths in its headers may run past {@code captured}; a header field that lies past it makes the packet
     * {@link Verdict#MALFORMED}.
     */
    Verdict decodeCut(MemorySegment packet, long offset, int captured, long receivedNanos, Knock knock) {
        return decode(packet, offset, captured, true, receivedNanos, knock);
    }

    private Verdict decode(MemorySegment packet, long offset, int length, boolean cut, long receivedNanos,
                           Knock knock) {
        Objects.checkFromIndexSize(offset, length, packet.byteSize());
        if (length < 1) {
            return Verdict.MALFORMED;
        }
        payloadLength = -1;
        Verdict verdict = switch (u8(packet, offset) >>> 4) {
            case 4 -> ipv4(packet, offset, length, cut);
            case 6 -> ipv6(packet, offset, length, cut);
            default -> Verdict.MALFORMED;
        };
        if (verdict == Verdict.KNOCK) {
            knock.set(family, srcHi, srcLo, dstHi, dstLo, protocol, value, srcPort, receivedNanos);
            if (payloadLength >= 0) {
                knock.payload(packet, payloadOffset, payloadLength);
            }
        }
        return verdict;
    }

    private Verdict ipv4(MemorySegment p, long o, int length, boolean cut) {
        if (length < 20) {
            return Verdict.MALFORMED;
        }
        int headerLength = (u8(p, o) & 0x0f) * 4;
        int totalLength = u16(p, o + 2);
        if (headerLength < 20 || headerLength > length || totalLength < headerLength
                || (totalLength > length && !cut) || checksum(p, o, headerLength) != 0) {
            return Verdict.MALFORMED;
        }
        int fragment = u16(p, o + 6);
        if ((fragment & 0x1fff) != 0) {
            return Verdict.FRAGMENT;
        }
        family = 4;
        srcHi = 0;
        srcLo = p.get(U32, o + 12) & 0xffff_ffffL;
        dstHi = 0;
        dstLo = p.get(U32, o + 16) & 0xffff_ffffL;
        int next = u8(p, o + 9);
        if (next == ICMP6) {
            return Verdict.IGNORED;
        }
        return transport(p, o + headerLength, totalLength - headerLength, Math.min(totalLength, length) - headerLength,
                next, (fragment & 0x2000) != 0);
    }

    private Verdict ipv6(MemorySegment p, long o, int length, boolean cut) {
        if (length < 40) {
            return Verdict.MALFORMED;
        }
        long end = o + 40 + u16(p, o + 4);
        if (end > o + length && !cut) {
            return Verdict.MALFORMED;
        }
        long limit = Math.min(end, o + length); // the last byte copied, plus one
        family = 6;
        srcHi = p.get(U64, o + 8);
        srcLo = p.get(U64, o + 16);
        dstHi = p.get(U64, o + 24);
        dstLo = p.get(U64, o + 32);
        int next = u8(p, o + 6);
        long pos = o + 40;
        boolean fragmented = false;
        for (int walked = 0; ; walked++) {
            switch (next) {
                case TCP, UDP, ICMP6 -> {
                    return transport(p, pos, (int) (end - pos), (int) (limit - pos), next, fragmented);
                }
                case HOP_BY_HOP, ROUTING, FRAGMENT, AH, DEST_OPTS -> {
                    if (walked == MAX_EXTENSION_HEADERS || (next == HOP_BY_HOP && walked != 0) || end - pos < 8
                            || limit - pos < 8) {
                        return Verdict.MALFORMED;
                    }
                    long headerLength = switch (next) {
                        case FRAGMENT -> 8;
                        case AH -> (u8(p, pos + 1) + 2) * 4L;
                        default -> (u8(p, pos + 1) + 1) * 8L;
                    };
                    if (headerLength > end - pos) {
                        return Verdict.MALFORMED;
                    }
                    if (next == FRAGMENT) {
                        int offsetAndFlags = u16(p, pos + 2);
                        if ((offsetAndFlags & 0xfff8) != 0) {
                            return Verdict.FRAGMENT;
                        }
                        // M clear with offset 0 is an atomic fragment (RFC 6946): a whole packet.
                        fragmented |= (offsetAndFlags & 1) != 0;
                    } else if (next == ROUTING && u8(p, pos + 3) != 0) {
                        return Verdict.IGNORED; // segments left: bound for another node
                    }
                    next = u8(p, pos);
                    pos += headerLength;
                }
                default -> {
                    return Verdict.IGNORED;
                }
            }
        }
    }

    /**
     * The transport header at {@code l4}: {@code l4Length} bytes up to the end of the IP payload, of which the
     * first {@code copied} are in the buffer.
     */
    private Verdict transport(MemorySegment p, long l4, int l4Length, int copied, int next, boolean fragmented) {
        switch (next) {
            case TCP -> {
                if (l4Length < 20) {
                    return fragmented ? Verdict.FRAGMENT : Verdict.MALFORMED;
                }
                if (copied < 14) {
                    return Verdict.MALFORMED; // cut before the flags
                }
                int dataOffset = (u8(p, l4 + 12) >>> 4) * 4;
                if (dataOffset < 20) {
                    return Verdict.MALFORMED;
                }
                if (dataOffset > l4Length) {
                    return fragmented ? Verdict.FRAGMENT : Verdict.MALFORMED;
                }
                if ((u8(p, l4 + 13) & (TCP_SYN | TCP_ACK)) != TCP_SYN) {
                    return Verdict.IGNORED;
                }
                return port(Protocol.TCP, u16(p, l4), u16(p, l4 + 2));
            }
            case UDP -> {
                if (l4Length < 8) {
                    return fragmented ? Verdict.FRAGMENT : Verdict.MALFORMED;
                }
                if (copied < 8) {
                    return Verdict.MALFORMED;
                }
                int udpLength = u16(p, l4 + 4);
                // A first fragment holds only part of the datagram its length field counts.
                if (udpLength < 8 || (!fragmented && udpLength > l4Length)) {
                    return Verdict.MALFORMED;
                }
                if (!fragmented && copied >= udpLength) {
                    payloadOffset = l4 + 8;
                    payloadLength = udpLength - 8;
                }
                return port(Protocol.UDP, u16(p, l4), u16(p, l4 + 2));
            }
            case ICMP4, ICMP6 -> {
                if (fragmented) {
                    return Verdict.FRAGMENT;
                }
                if (l4Length < 8 || copied < 1) {
                    return Verdict.MALFORMED;
                }
                if (u8(p, l4) != (family == 4 ? 8 : 128)) {
                    return Verdict.IGNORED;
                }
                protocol = Protocol.ICMP;
                value = l4Length - 8;
                srcPort = u16(p, l4 + 4); // the echo identifier: what a resend keeps, as a source port
                return Verdict.KNOCK;
            }
            default -> {
                return Verdict.IGNORED;
            }
        }
    }

    private Verdict port(Protocol p, int sourcePort, int port) {
        if (port == 0) {
            return Verdict.IGNORED;
        }
        protocol = p;
        value = port;
        srcPort = sourcePort;
        return Verdict.KNOCK;
    }

    /** The Internet checksum over {@code length} bytes (even); 0 when the stored checksum is right. */
    private static int checksum(MemorySegment p, long o, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += u16(p, o + i);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        return ~sum & 0xffff;
    }

    private static int u8(MemorySegment p, long o) {
        return p.get(ValueLayout.JAVA_BYTE, o) & 0xff;
    }

    private static int u16(MemorySegment p, long o) {
        return p.get(U16, o) & 0xffff;
    }
}
