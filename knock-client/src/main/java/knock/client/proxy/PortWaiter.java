package knock.client.proxy;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

import knock.client.ClientException;
import knock.config.Durations;
import knock.net.Address;
import knock.net.NativeException;
import knock.net.NetworkFailure;
import knock.net.NativeSocket;

/**
 * Polls a port until it accepts a TCP connection or a deadline passes. A daemon-mode firewall opens the port a
 * moment (about a millisecond) after the last knock, so the first SYN is often dropped, and the kernel would
 * resend it only after a second: attempts therefore start short ({@link #FIRST_ATTEMPT}) and double up to
 * {@link #ATTEMPT}, each with a fresh SYN, which also suits slow paths. Attempts start at least {@link #PAUSE}
 * apart, so a port that rejects at once is not hammered. Even a plain connect goes through here.
 *
 * <p>Pitfall: a probe that closes politely (FIN) leaves its connection in the firewall's conntrack table in
 * FIN_WAIT/CLOSE_WAIT/LAST_ACK until the server closes too (sshd takes a few ms), and the guard chain's
 * {@code connlimit} counts it: {@code knock --wait fw && ssh fw} was refused in 3 of 52 tries with
 * {@code max-connections = 1}. {@link #probe} closes with a RST instead (SO_LINGER 0): conntrack moves the
 * connection to CLOSE as the RST passes, before the next SYN, and nf_conncount skips closed connections (from
 * the next jiffy on: it collects at most once per jiffy, and knock's exit and ssh's start take far longer).
 */
public final class PortWaiter {

    /** The first connect attempt's timeout; each next one doubles it, up to {@link #ATTEMPT}. */
    static final Duration FIRST_ATTEMPT = Duration.ofMillis(100);
    /** The longest single connect attempt. */
    static final Duration ATTEMPT = Duration.ofSeconds(1);
    /** The least time between the starts of two attempts. */
    static final Duration PAUSE = Duration.ofMillis(100);

    /** One connect attempt; returns the connection, or {@code null} with {@link #reason} set for "not yet". */
    interface Attempt<T> {
        T connect(Duration timeout) throws IOException;
    }

    private final InetAddress address;
    private final int port;
    private final Consumer<String> verbose;
    private final String hint;

    /**
     * @param verbose hears one line when the port opens, or is {@code null}
     */
    public PortWaiter(InetAddress address, int port, Consumer<String> verbose) {
        this(address, port, verbose, "");
    }

    /**
     * @param hint added to the message when the port stays closed: what the knock that preceded may have got
     *             wrong, which nothing on the network tells (a firewall never answers a bad knock)
     */
    public PortWaiter(InetAddress address, int port, Consumer<String> verbose, String hint) {
        this.address = address;
        this.port = port;
        this.verbose = verbose;
        this.hint = hint;
    }

    /**
     * Connects with a JDK socket, retrying until {@code timeout} has passed.
     *
     * @throws ClientException exit 1 when the port stays closed or the network is unreachable
     */
    public SocketChannel connect(Duration timeout) {
        return await(timeout, t -> {
            SocketChannel channel = SocketChannel.open(
                    address instanceof Inet6Address ? StandardProtocolFamily.INET6
                            : StandardProtocolFamily.INET);
            try {
                channel.socket().connect(new InetSocketAddress(address, port), (int) Math.max(1, t.toMillis()));
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        });
    }

    /**
     * Waits until the port accepts a connection, as {@link #connect}, then drops that connection with a RST, so
     * that nothing of it is left to count against the firewall's connection limit when the real client
     * connects a moment later.
     *
     * @throws ClientException exit 1 when the port stays closed or the network is unreachable
     */
    public void probe(Duration timeout) {
        SocketChannel channel = connect(timeout);
        try (channel) {
            // SO_LINGER 0: close(2) sends a RST and frees the socket at once (tcp_disconnect).
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            throw ClientException.failure("closing the probe of " + where() + ": " + e.getMessage(), e);
        }
    }

    /** Connects a {@link NativeSocket}, whose descriptor can be passed on, retrying until {@code timeout}. */
    public NativeSocket connectNative(Duration timeout) {
        return await(timeout, t -> {
            NativeSocket socket = NativeSocket.open(NativeSocket.domain(address), NativeSocket.SOCK_STREAM, 0);
            try {
                socket.connect(address, port, t);
                return socket;
            } catch (NativeException e) {
                socket.close();
                throw e;
            }
        });
    }

    <T> T await(Duration timeout, Attempt<T> attempt) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = "no attempt";
        long attemptNanos = FIRST_ATTEMPT.toNanos();
        for (int n = 1; ; n++, attemptNanos = Math.min(attemptNanos * 2, ATTEMPT.toNanos())) {
            long begun = System.nanoTime();
            long left = deadline - begun;
            try {
                T connection = attempt.connect(Duration.ofNanos(Math.max(1_000_000, Math.min(left, attemptNanos))));
                if (verbose != null) {
                    verbose.accept("port " + port + " on " + Address.format(address) + " open after "
                            + Durations.elapsed(System.nanoTime() - start) + " (attempt " + n + ")");
                }
                return connection;
            } catch (IOException | NativeException e) {
                last = notYet(e);
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw ClientException.failure("port " + port + " on " + Address.format(address)
                        + " not open after " + Durations.elapsed(timeout.toNanos()) + " (last attempt: " + last + ")"
                        + hint);
            }
            long pause = Math.min(begun + PAUSE.toNanos(), deadline) - now;
            if (pause > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(pause));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ClientException.failure("interrupted");
                }
            }
        }
    }

    /** Why an attempt failed, if trying again may help; otherwise throws the failure. */
    private String notYet(Exception e) {
        NetworkFailure path = NetworkFailure.of(e);
        if (path == NetworkFailure.NETWORK_UNREACHABLE) {
            throw unreachable();
        }
        if (path != null) {
            return path.words();
        }
        throw ClientException.failure("connect to " + where() + ": " + e.getMessage(), e);
    }

    private ClientException unreachable() {
        return ClientException.failure("cannot connect to " + where() + ": network unreachable");
    }

    private String where() {
        return (address instanceof Inet6Address ? "[" + Address.format(address) + "]" : Address.format(address))
                + ":" + port;
    }
}
