package knock.testnet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the fixture makes through FFM, for what the JDK cannot do: enter a network namespace,
 * send ICMP echo requests from a raw socket, and probe a TCP port with ICMP errors queued (IP_RECVERR).
 *
 * <p>Every call captures errno and fails like netty's {@code NativeIoException}: syscall, errno, text.
 * Handles are linked once, when the class loads.
 */
@SuppressWarnings("restricted") // the point of this class; surefire passes --enable-native-access
final class Libc {
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IPV6 = 41;
    static final int IP_RECVERR = 11;
    static final int IPV6_RECVERR = 25;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final int EINTR = 4;
    static final int ECONNREFUSED = 111;
    static final int EINPROGRESS = 115;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = link("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = link("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET =
            link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDTO = link("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = link("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = link("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONNECT =
            link("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL =
            link("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LIBC.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), fd, options);
    }

    /** Moves the calling thread (only it: setns(2) is per task) into the network namespace at {@code path}. */
    static void enterNetns(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("open(" + path + ")", state);
            }
            try {
                int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
                if (rc < 0) {
                    throw failure("setns(" + path + ", CLONE_NEWNET)", state);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Sends {@code packet} (an ICMP or ICMPv6 message, header included) once from a fresh raw socket in the
     * calling thread's namespace. For ICMPv6 the kernel fills in the checksum (RFC 3542 section 3.1).
     */
    static void sendRaw(int family, int protocol, byte[] packet, byte[] destination) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, family, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw failure("socket(" + (family == AF_INET ? "AF_INET" : "AF_INET6") + ", SOCK_RAW)", state);
            }
            try {
                MemorySegment sockaddr = sockaddr(arena, family, destination, 0);
                MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
                long sent = (long) SENDTO.invokeExact(state, fd, buf, (long) packet.length, 0,
                        sockaddr, (int) sockaddr.byteSize());
                if (sent != packet.length) {
                    throw failure("sendto(raw, " + packet.length + " bytes) = " + sent, state);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(state, fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Opens a non-blocking TCP socket that queues ICMP errors (IP_RECVERR / IPV6_RECVERR) and starts a
     * connect to {@code destination}:{@code port}; returns the descriptor. The error queue is why: an ICMP
     * error that arrives while connect(2) still holds the socket lock (veth delivers the answer inside the
     * sending call) is only a soft error, and the connect fails at the first SYN retransmit, a second later;
     * queued, it makes poll(2) report POLLERR at once.
     */
    static int startConnect(int family, byte[] destination, int port) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket(SOCK_STREAM)", state);
            }
            try {
                MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
                int rc = family == AF_INET
                        ? (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_IP, IP_RECVERR, one, 4)
                        : (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_IPV6, IPV6_RECVERR, one, 4);
                if (rc < 0) {
                    throw failure("setsockopt(RECVERR)", state);
                }
                MemorySegment sockaddr = sockaddr(arena, family, destination, port);
                rc = (int) CONNECT.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
                // A refusal can be known before connect(2) returns; poll(2) then reports it at once.
                if (rc < 0 && errno(state) != EINPROGRESS && errno(state) != ECONNREFUSED) {
                    throw failure("connect", state);
                }
                return fd;
            } catch (IOException | RuntimeException | Error e) {
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Waits up to {@code millis} for {@code fd} to become writable or fail; returns the poll(2) revents,
     * 0 on timeout. An interrupted poll is retried within the same deadline.
     */
    static int pollOut(int fd, long millis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pollfd = arena.allocate(8, 4);
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (true) {
                pollfd.set(JAVA_INT, 0, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLOUT);
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int wait = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                int rc = (int) POLL.invokeExact(state, pollfd, 1L, wait);
                if (rc >= 0) {
                    return rc == 0 ? 0 : pollfd.get(ValueLayout.JAVA_SHORT, 6);
                }
                if (errno(state) != EINTR || System.nanoTime() - deadline >= 0) {
                    throw failure("poll", state);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** SO_ERROR of {@code fd}: the pending hard error, 0 if none. */
    static int socketError(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 4);
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_ERROR, value, length);
            if (rc < 0) {
                throw failure("getsockopt(SO_ERROR)", state);
            }
            return value.get(JAVA_INT, 0);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes); raw sockets ignore the port. */
    private static MemorySegment sockaddr(Arena arena, int family, byte[] address, int port) {
        MemorySegment sa = arena.allocate(family == AF_INET ? 16 : 28, 4);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        MemorySegment.copy(address, 0, sa, ValueLayout.JAVA_BYTE, family == AF_INET ? 4 : 8, address.length);
        return sa;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(String call, MemorySegment state) {
        int errno = errno(state);
        return new IOException(call + " failed: errno " + errno + " (" + strerror(errno) + ")");
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "?";
        }
    }
}
