package knock.server.config;

import java.net.Inet4Address;
import java.net.InetAddress;

import knock.config.Digits;

/** An address with a prefix length, for static addresses that are always let in. */
public record Cidr(InetAddress address, int prefix) {

    public int family() {
        return address instanceof Inet4Address ? 4 : 6;
    }

    static Cidr parse(String key, String word, String expected) {
        int slash = word.indexOf('/');
        InetAddress address = Setting.address(key, slash < 0 ? word : word.substring(0, slash), expected);
        int max = address instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String digits = word.substring(slash + 1);
            if (!Digits.upTo(digits, 3)
                    || Integer.parseInt(digits) > max) {
                throw new IllegalArgumentException(key + " '" + word + "' (expected: prefix length 0-" + max + ")");
            }
            prefix = Integer.parseInt(digits);
        }
        return new Cidr(address, prefix);
    }

    /** Whether {@code address} lies in this network (never across families). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = this.address.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        return rest == 0 || ((a[full] ^ n[full]) & 0xff & (0xff << (8 - rest))) == 0;
    }

    /** Whether any of {@code networks} holds {@code address}. */
    public static boolean anyContains(java.util.List<Cidr> networks, InetAddress address) {
        for (Cidr c : networks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The form iptables takes: {@code 203.0.113.7/32}. */
    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
