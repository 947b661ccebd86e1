package knock.server.capture;

/** What {@link PacketDecoder#decode} made of one packet; the capture counts each kind. */
enum Verdict {
    /** A TCP SYN (without ACK), a UDP datagram or an ICMP/ICMPv6 echo request: the {@code Knock} is filled. */
    KNOCK,
    /** Well formed but not a knock (a SYN-ACK, an echo reply, another protocol, an IPv6 ESP payload). */
    IGNORED,
    /** Truncated, inconsistent lengths, a wrong version or an over-long IPv6 extension-header chain. */
    MALFORMED,
    /** A non-first fragment, or a first fragment without the whole transport header or with an ICMP echo. */
    FRAGMENT
}
