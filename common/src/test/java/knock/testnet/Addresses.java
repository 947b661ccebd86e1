package knock.testnet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Address literals in, canonical text out: the fixture never resolves names, and it prints IPv6 the RFC 5952
 * way ({@code fd6b:6e6f:636b::2}) whatever the kernel wrote ({@code fd6b:6e6f:636b:0000:...:0002}) or the
 * JDK would ({@code fd6b:6e6f:636b:0:0:0:0:2}).
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

    /** 4 or 6. */
    static int family(InetAddress address) {
        return address instanceof Inet4Address ? 4 : 6;
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run (of two or more) of zero groups as "::". */
    static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /**
     * Canonical text of an address as xt_recent prints it: IPv6 as eight 4-digit groups. Parsed by hand, as
     * the JDK would turn {@code ::ffff:a.b.c.d} into an IPv4 address, and xt_recent keeps those apart.
     */
    static String fromKernel(String text) {
        if (!text.contains(":")) {
            return format(parse(text));
        }
        String[] groups = text.split(":", -1);
        if (groups.length != 8) {
            return text;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            int group = Integer.parseInt(groups[i], 16);
            bytes[2 * i] = (byte) (group >>> 8);
            bytes[2 * i + 1] = (byte) group;
        }
        try {
            return format(Inet6Address.getByAddress(null, bytes, -1));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    /** Canonical text of a literal, so lists and expectations compare as strings. */
    static String canonical(String literal) {
        return format(parse(literal));
    }
}
