package knock.testnet;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;

import knock.net.Address;

/**
 * Address literals in, canonical text out: the fixture never resolves names, and it prints IPv6 the RFC 5952
 * way ({@code fd6b:6e6f:636b::2}) whatever the kernel wrote ({@code fd6b:6e6f:636b:0000:...:0002}) or the
 * JDK would ({@code fd6b:6e6f:636b:0:0:0:0:2}), with knock's own {@link Address}.
 */
final class Addresses {
    private Addresses() {
    }

    /** Parses a literal; a host name is an error, not a DNS lookup. */
    static InetAddress parse(String literal) {
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address: " + literal + " (expected: an IPv4 or IPv6 literal)", e);
        }
    }

    /** The NIO protocol family of {@code address}, so a channel never becomes a dual-stack socket. */
    static StandardProtocolFamily protocolFamily(InetAddress address) {
        return Address.family(address) == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /**
     * Canonical text of an address as xt_recent prints it (IPv6 as eight 4-digit groups): RFC 5952, and an
     * IPv4-mapped address stays IPv6, as xt_recent keeps them apart.
     */
    static String fromKernel(String text) {
        return Address.format(Address.parse(text));
    }
}
