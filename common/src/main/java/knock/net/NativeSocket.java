package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A socket made by {@code socket(2)} through FFM, for what the JDK cannot open: ICMP raw and ping sockets, and a
 * TCP socket whose descriptor is handed to another process. Owns its descriptor; {@link #close} is idempotent.
 * Not thread-safe.
 *
 * <p>Public for the client's ICMP knock and {@code --fdpass}. Every failure is a {@link NativeException} naming
 * the call ({@code socket}, {@code sendto}, {@code connect}, {@code sendmsg}) and errno; the caller adds the fix.
 * Struct layouts ({@code sockaddr_in6}, {@code msghdr}, {@code cmsghdr}) are those of 64-bit Linux.
 */
public final class NativeSocket implements AutoCloseable {

    public static final int AF_INET = Libc.AF_INET;
    public static final int AF_INET6 = Libc.AF_INET6;
    public static final int SOCK_STREAM = Libc.SOCK_STREAM;
    public static final int SOCK_DGRAM = Libc.SOCK_DGRAM;
    public static final int SOCK_RAW = Libc.SOCK_RAW;
    public static final int IPPROTO_ICMP = Libc.IPPROTO_ICMP;
    public static final int IPPROTO_ICMPV6 = Libc.IPPROTO_ICMPV6;

    private int fd;

    private NativeSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a socket (close-on-exec).
     *
     * @throws NativeException e.g. {@code socket: EPERM} for a raw socket without CAP_NET_RAW, or
     *                         {@code socket: EACCES} for a ping socket outside {@code ping_group_range}
     */
    public static NativeSocket open(int domain, int type, int protocol) {
        return new NativeSocket(Libc.socket("socket", domain, type, protocol));
    }

    /** The address family that reaches {@code address}. */
    public static int domain(InetAddress address) {
        return address instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    public int fd() {
        return fd;
    }

    /** Sends one datagram (or raw packet) to {@code address}; {@code port} is 0 for ICMP. */
    public void sendTo(byte[] data, InetAddress address, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
            MemorySegment to = sockaddr(arena, address, port);
            MemorySegment state = Libc.newCallState(arena);
            for (int tries = 0; ; tries++) {
                long n = (long) Libc.Sockets.SENDTO.invokeExact(state, fd, buf, (long) data.length, Libc.MSG_NOSIGNAL, to,
                        (int) to.byteSize());
                if (n >= 0) {
                    return;
                }
                if (Libc.errno(state) != Errno.EINTR || tries == 3) {
                    throw new NativeException("sendto", Libc.errno(state), null);
                }
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Connects, giving up after {@code timeout} ({@code SO_SNDTIMEO} bounds a blocking connect on Linux and is
     * cleared again afterwards, so whoever gets this socket sees no send timeout).
     *
     * @throws NativeException {@code connect: ETIMEDOUT} when the timeout passed, or the kernel's refusal
     */
    public void connect(InetAddress address, int port, Duration timeout) {
        try (Arena arena = Arena.ofConfined()) {
            sendTimeout(arena, timeout);
            MemorySegment to = sockaddr(arena, address, port);
            MemorySegment state = Libc.newCallState(arena);
            int r = (int) Libc.Sockets.CONNECT.invokeExact(state, fd, to, (int) to.byteSize());
            if (r < 0) {
                int errno = Libc.errno(state);
                // inet_stream_connect: a blocking connect cut short by SO_SNDTIMEO reports EINPROGRESS
                throw new NativeException("connect", errno == Errno.EINPROGRESS ? Errno.ETIMEDOUT : errno, null);
            }
            sendTimeout(arena, Duration.ZERO);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sends descriptor {@code fd} over the Unix socket {@code via} with {@code SCM_RIGHTS}, along with the one
     * byte of data a stream socket needs to carry ancillary data (what OpenSSH's {@code mm_send_fd} sends).
     */
    public static void sendDescriptor(int via, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(1);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(JAVA_LONG, 0, data.address());
            iov.set(JAVA_LONG, 8, 1L);
            // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } + int, padded: CMSG_SPACE(4) = 24
            MemorySegment control = arena.allocate(24, 8);
            control.set(JAVA_LONG, 0, 16L + 4L);
            control.set(JAVA_INT, 8, Libc.SOL_SOCKET);
            control.set(JAVA_INT, 12, Libc.SCM_RIGHTS);
            control.set(JAVA_INT, 16, fd);
            // struct msghdr { name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad) } = 56 bytes
            MemorySegment msg = arena.allocate(56, 8);
            msg.set(JAVA_LONG, 16, iov.address());
            msg.set(JAVA_LONG, 24, 1L);
            msg.set(JAVA_LONG, 32, control.address());
            msg.set(JAVA_LONG, 40, control.byteSize());
            MemorySegment state = Libc.newCallState(arena);
            for (int tries = 0; ; tries++) {
                long n = (long) Libc.Sockets.SENDMSG.invokeExact(state, via, msg, Libc.MSG_NOSIGNAL);
                if (n >= 0) {
                    return;
                }
                if (Libc.errno(state) != Errno.EINTR || tries == 3) {
                    throw new NativeException("sendmsg", Libc.errno(state), null);
                }
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }

    private void sendTimeout(Arena arena, Duration timeout) throws Throwable {
        MemorySegment tv = arena.allocate(16, 8);
        long micros = timeout.toNanos() / 1000;
        if (!timeout.isZero() && micros == 0) {
            micros = 1; // a zero timeval means "no timeout", never what a tiny timeout wants
        }
        tv.set(JAVA_LONG, 0, micros / 1_000_000);
        tv.set(JAVA_LONG, 8, micros % 1_000_000);
        MemorySegment state = Libc.newCallState(arena);
        int r = (int) Libc.Sockets.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, tv, 16);
        if (r < 0) {
            throw new NativeException("setsockopt(SO_SNDTIMEO)", Libc.errno(state), null);
        }
    }

    /** {@code struct sockaddr_in} (16 bytes) or {@code struct sockaddr_in6} (28 bytes), port in network order. */
    static MemorySegment sockaddr(Arena arena, InetAddress address, int port) {
        byte[] raw = address.getAddress();
        MemorySegment sa = arena.allocate(raw.length == 4 ? 16 : 28, 4);
        sa.set(JAVA_SHORT, 0, (short) (raw.length == 4 ? AF_INET : AF_INET6));
        sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(JAVA_BYTE, 3, (byte) port);
        if (raw.length == 4) {
            MemorySegment.copy(raw, 0, sa, JAVA_BYTE, 4, 4);
        } else {
            MemorySegment.copy(raw, 0, sa, JAVA_BYTE, 8, 16);
            sa.set(JAVA_INT, 24, ((Inet6Address) address).getScopeId());
        }
        return sa;
    }
}
