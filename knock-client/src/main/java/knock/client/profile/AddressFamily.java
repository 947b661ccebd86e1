package knock.client.profile;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/** Which IP version to knock and connect over, as ssh_config's {@code AddressFamily}. */
public enum AddressFamily {
    /** Whatever the name resolves to first (IPv4 first, as the JDK orders by default). */
    ANY,
    /** IPv4 only ({@code -4}). */
    INET,
    /** IPv6 only ({@code -6}). */
    INET6;

    /** What the profile keyword takes, for messages. */
    static final String EXPECTED = "inet, inet6 or any";

    /** Reads the profile form: {@code inet}, {@code inet6} or {@code any}. */
    static AddressFamily parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "any" -> ANY;
            case "inet", "inet4", "ipv4" -> INET;
            case "inet6", "ipv6" -> INET6;
            default -> throw new IllegalArgumentException("AddressFamily '" + text + "' (expected: " + EXPECTED + ")");
        };
    }

    /** The family of a resolved address. */
    public static AddressFamily of(InetAddress address) {
        return address instanceof Inet6Address ? INET6 : INET;
    }

    /** Whether {@code address} belongs to this family; everything belongs to {@link #ANY}. */
    public boolean admits(InetAddress address) {
        return switch (this) {
            case ANY -> true;
            case INET -> address instanceof Inet4Address;
            case INET6 -> address instanceof Inet6Address;
        };
    }

    /** How a message names this family: {@code IPv4}, {@code IPv6}, or {@code any}. */
    public String label() {
        return switch (this) {
            case ANY -> "any";
            case INET -> "IPv4";
            case INET6 -> "IPv6";
        };
    }
}
