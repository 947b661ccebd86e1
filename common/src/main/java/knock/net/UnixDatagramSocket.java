package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * An {@code AF_UNIX/SOCK_DGRAM} socket, which {@code java.nio} does not offer (its Unix domain channels are
 * stream only): enough for sd_notify(3) and for a test that stands in for systemd. A path starting with
 * {@code '@'} names the abstract namespace, as systemd's {@code NOTIFY_SOCKET} does ({@code @} becomes the
 * leading NUL, no trailing NUL). Not for a hot path: each call allocates its own small native buffers.
 */
public final class UnixDatagramSocket implements AutoCloseable {

    /** {@code sizeof(struct sockaddr_un)}: a short family and 108 path bytes. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int PATH_MAX = SOCKADDR_UN_SIZE - 2;

    private int fd;

    private UnixDatagramSocket(int fd) {
        this.fd = fd;
    }

    /** Opens an unbound socket (close-on-exec). */
    public static UnixDatagramSocket open() {
        return new UnixDatagramSocket(Libc.socket("socket(AF_UNIX, SOCK_DGRAM)", Libc.AF_UNIX, Libc.SOCK_DGRAM, 0));
    }

    /** Binds to {@code path} (a file path, or {@code @name} in the abstract namespace). */
    public UnixDatagramSocket bind(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            MemorySegment sun = a.allocate(SOCKADDR_UN_SIZE, 2);
            int length = address(sun, path);
            if ((int) Libc.Capture.BIND.invokeExact(cs, fd, sun, length) < 0) {
                throw new NativeException("bind(AF_UNIX, " + path + ")", Libc.errno(cs), null);
            }
            return this;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Sends {@code data} as one datagram to the socket at {@code path}. */
    public void send(String path, byte[] data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            MemorySegment sun = a.allocate(SOCKADDR_UN_SIZE, 2);
            int length = address(sun, path);
            MemorySegment buffer = a.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, data.length);
            long sent = (long) Libc.Sockets.SENDTO.invokeExact(cs, fd, buffer, (long) data.length,
                    Libc.MSG_NOSIGNAL, sun, length);
            if (sent < 0) {
                throw new NativeException("sendto(AF_UNIX, " + path + ")", Libc.errno(cs), null);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for one datagram and returns it (at most {@code maxLength} bytes), or
     * {@code null} if none came in time.
     */
    public byte[] receive(int maxLength, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            MemorySegment pollfd = a.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, Libc.POLLIN);
            int ready = (int) Libc.Polling.POLL.invokeExact(cs, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                throw new NativeException("poll(AF_UNIX)", Libc.errno(cs), null);
            }
            if (ready == 0) {
                return null;
            }
            MemorySegment buffer = a.allocate(Math.max(1, maxLength));
            long n = (long) Libc.Capture.RECVFROM.invokeExact(cs, fd, buffer, (long) maxLength, Libc.MSG_DONTWAIT,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (n < 0) {
                int errno = Libc.errno(cs);
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    return null;
                }
                throw new NativeException("recvfrom(AF_UNIX)", errno, null);
            }
            return buffer.asSlice(0, n).toArray(JAVA_BYTE);
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

    /** Fills {@code sun} with {@code path} and returns the address length to pass. */
    private static int address(MemorySegment sun, String path) {
        boolean abstractName = path.startsWith("@");
        byte[] bytes = (abstractName ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        // Abstract: a leading NUL and exactly the name's bytes; a file path: its bytes and a NUL.
        int pathLength = bytes.length + 1;
        if (path.length() <= (abstractName ? 1 : 0) || pathLength > PATH_MAX) {
            throw new IllegalArgumentException("AF_UNIX path: '" + path + "' (expected: 1-" + (PATH_MAX - 1)
                    + " bytes)");
        }
        sun.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        int offset = abstractName ? 3 : 2;
        MemorySegment.copy(bytes, 0, sun, JAVA_BYTE, offset, bytes.length);
        return 2 + pathLength;
    }
}
