package knock.net;

import java.net.InetAddress;


/**
 * A source address as the tracker keys it: IPv4 in the low 32 bits of {@code lo} with {@code hi} 0, IPv6 as two
 * big-endian longs ({@link Address}'s primitives). The record is for the cold paths (logs, list files, tests);
 * the per-packet path passes the three primitives and prints them with {@link Address#format(int, long, long)}.
 */
public record Source(int family, long hi, long lo) {

    public Source {
        if (family == 4) {
            if (hi != 0 || (lo >>> 32) != 0) {
                throw new IllegalArgumentException("IPv4 source hi=" + hi + " lo=" + lo + " (expected: 32 bits in lo)");
            }
        } else if (family != 6) {
            throw new IllegalArgumentException("family " + family + " (expected: 4 or 6)");
        }
    }

    public static Source ipv4(int address) {
        return new Source(4, 0, Integer.toUnsignedLong(address));
    }

    public static Source of(InetAddress address) {
        return new Source(Address.family(address), Address.hi(address), Address.lo(address));
    }

    /**
     * Parses a literal: IPv4 dotted decimal, or IPv6 in full (as xt_recent prints it) or compressed form.
     *
     * @throws IllegalArgumentException naming the text
     */
    public static Source parse(String text) {
        return of(Address.parse(text));
    }

    public InetAddress toInetAddress() {
        return Address.toInetAddress(family, hi, lo);
    }

    /** The text the kernel and log lines take: dotted IPv4, RFC 5952 IPv6 ({@code fd6b:6e6f:636b::2}). */
    @Override
    public String toString() {
        return Address.format(family, hi, lo);
    }
}
