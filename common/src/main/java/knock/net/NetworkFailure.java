package knock.net;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * What a failed send or connect says about the path to the other side, in the words messages use, whether it
 * failed in our own FFM sockets ({@link NativeException} with an errno) or in the JDK's (its exception types, or
 * only a message). The client knocks and waits through both kinds of socket, and must word them alike.
 */
public enum NetworkFailure {
    /** ENETUNREACH: no route to the network at all (down link, no default route). */
    NETWORK_UNREACHABLE("network unreachable"),
    /** EHOSTUNREACH: the host did not answer neighbour discovery, or an ICMP unreachable came back. */
    NO_ROUTE("no route to host"),
    /** ETIMEDOUT: nothing came back in time. */
    TIMED_OUT("timed out"),
    /** ECONNREFUSED: a RST came back. */
    REFUSED("refused");

    private final String words;

    NetworkFailure(String words) {
        this.words = words;
    }

    /** The words for a message: {@code network unreachable}, {@code no route to host}, ... */
    public String words() {
        return words;
    }

    /** The failure {@code e} reports, or {@code null} when it is none of these (a bug, a local error). */
    public static NetworkFailure of(Throwable e) {
        if (e instanceof NativeException n) {
            return switch (n.errno()) {
                case Errno.ENETUNREACH -> NETWORK_UNREACHABLE;
                case Errno.EHOSTUNREACH -> NO_ROUTE;
                case Errno.ETIMEDOUT -> TIMED_OUT;
                case Errno.ECONNREFUSED -> REFUSED;
                default -> null;
            };
        }
        if (e instanceof NoRouteToHostException) {
            return NO_ROUTE;
        }
        if (e instanceof SocketTimeoutException) {
            return TIMED_OUT;
        }
        if (e instanceof ConnectException) {
            return REFUSED;
        }
        // The JDK has no type for ENETUNREACH: only its message tells.
        if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
                .contains("network is unreachable")) {
            return NETWORK_UNREACHABLE;
        }
        return null;
    }
}
