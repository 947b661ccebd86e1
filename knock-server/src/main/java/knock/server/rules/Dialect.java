package knock.server.rules;

import java.net.InetAddress;

import knock.sequence.Step;

/**
 * What differs between an iptables and an ip6tables ruleset: the ICMP match, header sizes behind the
 * {@code length} match, prefix lengths, and the neighbour discovery IPv6 cannot live without.
 */
enum Dialect {
    V4(4, "iptables-restore", "-p icmp -m icmp --icmp-type 8", 20, 32),
    V6(6, "ip6tables-restore", "-p ipv6-icmp -m icmp6 --icmpv6-type 128", 40, 128);

    final int family;
    final String restoreCommand;
    private final String echoRequest;
    private final int ipHeaderBytes;
    private final int hostPrefix;

    Dialect(int family, String restoreCommand, String echoRequest, int ipHeaderBytes, int hostPrefix) {
        this.family = family;
        this.restoreCommand = restoreCommand;
        this.echoRequest = echoRequest;
        this.ipHeaderBytes = ipHeaderBytes;
        this.hostPrefix = hostPrefix;
    }

    static Dialect of(int family) {
        return switch (family) {
            case 4 -> V4;
            case 6 -> V6;
            default -> throw new IllegalArgumentException("family " + family + " (expected: 4 or 6)");
        };
    }

    String host(InetAddress address) {
        return address.getHostAddress() + "/" + hostPrefix;
    }

    int hostPrefix() {
        return hostPrefix;
    }

    /**
     * The match for packets of this step's protocol whose port (or ICMP payload length) lies in [low, high].
     * ICMP steps are told apart by payload length; the {@code length} match counts the whole packet, so
     * the IP header (without options or extension headers) and the 8-byte ICMP header are added. TCP matches
     * only a SYN without ACK: a knock, not a reply or a stray segment.
     */
    String match(Step step, int low, int high) {
        String range = low == high ? Integer.toString(low) : low + ":" + high;
        return switch (step.protocol()) {
            case TCP -> "-p tcp -m tcp --dport " + range + " --tcp-flags SYN,RST,ACK,FIN SYN";
            case UDP -> "-p udp -m udp --dport " + range;
            case ICMP -> {
                int overhead = ipHeaderBytes + 8;
                String length = low == high ? Integer.toString(low + overhead)
                        : (low + overhead) + ":" + (high + overhead);
                yield echoRequest + " -m length --length " + length;
            }
        };
    }

    /** The highest value a step of the protocol can have: a port, or an ICMP payload length. */
    static int maxValue(Step step) {
        return switch (step.protocol()) {
            case TCP, UDP -> 65535;
            case ICMP -> Step.MAX_ICMP_PAYLOAD;
        };
    }

    static int minValue(Step step) {
        return switch (step.protocol()) {
            case TCP, UDP -> 1;
            case ICMP -> 0;
        };
    }
}
