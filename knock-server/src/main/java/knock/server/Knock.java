package knock.server;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import knock.net.Address;
import knock.sequence.Protocol;

/**
 * One packet that may be a knock, as every stage of the daemon sees it: capture fills it, the queue carries its
 * fields, the tracker judges it. A reused holder, not a value: each stage owns one instance on its own thread and
 * overwrites it per packet, so a flood costs no garbage (the pooled-element idea of wireguard-go's
 * {@code QueueInboundElement}). Do not keep a reference past the call that handed it over; copy what you need.
 *
 * <p>Addresses are primitives: IPv4 in the low 32 bits of {@code *Lo} with {@code *Hi} 0, IPv6 as two big-endian
 * longs.
 */
public final class Knock {

    private int family;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private Protocol protocol;
    private int value;
    private int srcPort;
    private long receivedNanos;
    private MemorySegment packet;
    private long payloadOffset;
    private int payloadLength = -1;

    /**
     * Overwrites every field; returns this holder.
     *
     * @param family 4 or 6
     * @param protocol TCP (a SYN), UDP or ICMP (an echo request; ICMPv6 on IPv6)
     * @param value the destination port for TCP and UDP, the echo payload length for ICMP
     * @param srcPort the source port for TCP and UDP, the echo identifier for ICMP
     * @param receivedNanos {@link System#nanoTime()} when the packet reached user space
     */
    public Knock set(int family, long srcHi, long srcLo, long dstHi, long dstLo, Protocol protocol, int value,
                     int srcPort, long receivedNanos) {
        this.family = family;
        this.srcHi = family == 4 ? 0 : srcHi;
        this.srcLo = family == 4 ? srcLo & 0xffff_ffffL : srcLo;
        this.dstHi = family == 4 ? 0 : dstHi;
        this.dstLo = family == 4 ? dstLo & 0xffff_ffffL : dstLo;
        this.protocol = protocol;
        this.value = value;
        this.srcPort = srcPort;
        this.receivedNanos = receivedNanos;
        this.packet = null;
        this.payloadLength = -1;
        return this;
    }

    /**
     * Attaches a UDP datagram's whole payload, {@code length} bytes of {@code packet} at {@code offset}: valid,
     * like the rest, only during the call that hands this holder over. Call after {@link #set}.
     */
    public Knock payload(MemorySegment packet, long offset, int length) {
        this.packet = packet;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    /** Bytes of the UDP payload this packet carried whole, or -1 (not UDP, cut, or a fragment). */
    public int payloadLength() {
        return payloadLength;
    }

    /** Copies the payload into {@code into}, which must hold {@link #payloadLength()} bytes. */
    public void copyPayload(byte[] into) {
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, payloadOffset, into, 0, payloadLength);
    }

    /** 4 or 6. */
    public int family() {
        return family;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The destination port for TCP and UDP, the echo payload length for ICMP. */
    public int value() {
        return value;
    }

    /** The source port for TCP and UDP, the echo identifier for ICMP: what tells a resend from a new packet. */
    public int srcPort() {
        return srcPort;
    }

    /** {@link System#nanoTime()} when the packet reached user space: the time every decision uses. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The step as a config writes it: {@code 7000/tcp}, {@code icmp/64}. Allocates: for logs only. */
    public String step() {
        return protocol == Protocol.ICMP ? "icmp/" + value : value + "/" + protocol.label();
    }

    /** For logs and test failures ({@code src=A dst=B 7000/tcp}); allocates. */
    @Override
    public String toString() {
        return "src=" + Address.format(family, srcHi, srcLo) + " dst=" + Address.format(family, dstHi, dstLo) + " "
                + step();
    }
}
