package knock.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import knock.config.Digits;

/**
 * IP addresses as knock keeps them, primitives: a family (4 or 6) and two longs, IPv4 in the low 32 bits of
 * {@code lo} with {@code hi} 0, IPv6 as two big-endian halves (netty's {@code Ip4SubnetFilterRule} keeps an
 * {@code int}). The one parser and printer of address text for client, server and tests: literals are parsed by
 * hand, never looked up, and text is written so the kernel reads it in the right family: IPv4 dotted, IPv6
 * always with ':' in RFC 5952 form ({@code fd6b:6e6f:636b::2}), never an IPv4 address in IPv4-mapped form
 * (xt_recent.c parses any ':' as IPv6).
 *
 * <p>Pitfall: the JDK turns 16 bytes of {@code ::ffff:a.b.c.d} into an {@link Inet4Address}; {@link #parse} keeps
 * such a literal IPv6, as xt_recent does.
 */
public final class Address {

    private Address() {
    }

    /** 4 for an {@link Inet4Address}, else 6. */
    public static int family(InetAddress address) {
        return address instanceof Inet4Address ? 4 : 6;
    }

    /** The high 64 bits of an IPv6 address; 0 for IPv4. */
    public static long hi(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? 0 : bytes(b, 0);
    }

    /** The low 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits. */
    public static long lo(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? Integer.toUnsignedLong((int) (bytes(b, 0) >>> 32)) : bytes(b, 8);
    }

    private static long bytes(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < Math.min(b.length, from + 8); i++) {
            v = v << 8 | (b[i] & 0xff);
        }
        return b.length - from < 8 ? v << 32 : v;
    }

    /** The address of {@code family}, {@code hi} and {@code lo}; an IPv4-mapped one comes back IPv4, for display. */
    public static InetAddress toInetAddress(int family, long hi, long lo) {
        byte[] b = new byte[family == 4 ? 4 : 16];
        if (family == 4) {
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) (lo >>> (24 - 8 * i));
            }
        } else {
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Parses a literal: IPv4 dotted decimal, or IPv6 in full (as xt_recent prints it) or compressed form, which
     * stays an {@link Inet6Address} even when IPv4-mapped.
     *
     * @throws IllegalArgumentException naming the text
     */
    public static InetAddress parse(String text) {
        byte[] b = text.indexOf(':') < 0 ? parse4(text) : parse6(text);
        try {
            return b.length == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] parse4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw bad(text);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!Digits.upTo(p, 3)) {
                throw bad(text);
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw bad(text);
            }
            b[i] = (byte) octet;
        }
        return b;
    }

    private static byte[] parse6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw bad(text);
        }
        int[] head = groups(gap < 0 ? text : text.substring(0, gap), text);
        int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), text);
        if (gap < 0 ? head.length != 8 : head.length + tail.length > 7) {
            throw bad(text);
        }
        int[] g = new int[8];
        System.arraycopy(head, 0, g, 0, head.length);
        System.arraycopy(tail, 0, g, 8 - tail.length, tail.length);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (g[i] >>> 8);
            b[2 * i + 1] = (byte) g[i];
        }
        return b;
    }

    private static int[] groups(String part, String whole) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] words = part.split(":", -1);
        int[] g = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.isEmpty() || w.length() > 4) {
                throw bad(whole);
            }
            try {
                g[i] = Integer.parseInt(w, 16);
            } catch (NumberFormatException e) {
                throw bad(whole);
            }
        }
        return g;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("address '" + text + "' (expected: an IPv4 or IPv6 literal)");
    }

    /** The text of {@code address}, as {@link #format(int, long, long)}; an IPv6 scope is left out. */
    public static String format(InetAddress address) {
        return format(family(address), hi(address), lo(address));
    }

    /** The text the kernel, log lines and messages take: dotted IPv4, RFC 5952 IPv6 ({@code fd6b:6e6f:636b::2}). */
    public static String format(int family, long hi, long lo) {
        if (family == 4) {
            return (lo >>> 24 & 0xff) + "." + (lo >>> 16 & 0xff) + "." + (lo >>> 8 & 0xff) + "." + (lo & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952 4.2: the longest run of two or more zero groups, the first of equal runs, becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
