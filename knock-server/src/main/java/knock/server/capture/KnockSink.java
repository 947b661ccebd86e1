package knock.server.capture;

import knock.sequence.Protocol;

/**
 * Receives decoded packets addressed to this box: TCP SYNs (without ACK), UDP datagrams and ICMP/ICMPv6 echo
 * requests that passed the capture filter. Called on the capture thread (or, behind a {@link KnockQueue}, on the
 * event loop), once per packet: it must not block and should not allocate. Addresses are primitives so that a
 * flood costs no garbage.
 */
@FunctionalInterface
public interface KnockSink {

    /**
     * One knock packet.
     *
     * @param family 4 or 6
     * @param srcHi the high 64 bits of an IPv6 source, big-endian; 0 for IPv4
     * @param srcLo the low 64 bits of an IPv6 source; an IPv4 source in the low 32 bits
     * @param dstHi as {@code srcHi}, for the destination
     * @param dstLo as {@code srcLo}, for the destination
     * @param protocol TCP, UDP or ICMP (ICMPv6 on IPv6)
     * @param value the destination port for TCP and UDP, the echo payload length for ICMP
     * @param nowNanos {@link System#nanoTime()} when the capture thread received the packet
     */
    void onKnock(int family, long srcHi, long srcLo, long dstHi, long dstLo, Protocol protocol, int value,
                 long nowNanos);
}
