package knock.sequence;

/** The kinds of packet a knock step can be; ICMP means an echo request (ICMPv6 echo on IPv6). */
public enum Protocol {
    /** A TCP SYN to a port; no handshake is needed, the port may be dropped. */
    TCP,
    /** A UDP datagram to a port. */
    UDP,
    /** An ICMP or ICMPv6 echo request, told apart from other steps by its payload length. */
    ICMP;

    /** The lower-case name used in configs, profiles and on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
