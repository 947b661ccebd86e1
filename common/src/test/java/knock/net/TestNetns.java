package knock.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The native calls only tests make, in one place and on {@link Libc}'s handles and errno capture: entering a
 * network namespace (setns(2), which knock itself never does), putting crafted frames on a wire, and a TCP probe
 * that queues ICMP errors. Everything else (ICMP echo over a raw socket, ...) is {@link NativeSocket}'s. Failures
 * are {@link NativeException}s. Root only.
 *
 * <p>setns(2) moves only the calling OS thread, and a socket stays in the namespace it was made in: the fixture's
 * {@code knock.testnet.NetnsThread} is the one thread per namespace that calls {@link #enter}.
 */
public final class TestNetns {

    /** poll(2) revents of {@link #pollOut}: an error is pending. */
    public static final short POLLERR = Libc.POLLERR;
    /** poll(2) revents of {@link #pollOut}: the connection is down. */
    public static final short POLLHUP = Libc.POLLHUP;

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IP_RECVERR = 11;
    private static final int IPV6_RECVERR = 25;

    // Test-only calls: knock itself never changes namespace, so these are linked here, not in Libc.
    private static final MethodHandle OPEN = Libc.errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = Libc.errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private TestNetns() {
    }

    /** Moves the calling thread into {@code /var/run/netns/NAME}; for a thread of its own, never a pool's. */
    public static void enter(String name) {
        String path = "/var/run/netns/" + name;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) OPEN.invokeExact(cs, a.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("open(" + path + ")", Libc.errno(cs), null);
            }
            try {
                if ((int) SETNS.invokeExact(cs, fd, CLONE_NEWNET) < 0) {
                    throw new NativeException("setns(" + path + ", CLONE_NEWNET)", Libc.errno(cs), null);
                }
            } finally {
                Libc.close(fd);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sends {@code packet} (from its IP header on) out of interface {@code dev} to {@code dstMac}, bypassing the
     * IP stack: how tests put crafted, fragmented or broken packets on the wire. In the calling thread's namespace.
     */
    public static void sendFrame(String dev, int ethertype, byte[] dstMac, byte[] packet) {
        sendFrames(dev, ethertype, dstMac, List.of(packet));
    }

    /**
     * As {@link #sendFrame} for many packets over one socket: closing a packet socket waits for an RCU grace
     * period (milliseconds), so a flood must not open one per packet.
     */
    public static void sendFrames(String dev, int ethertype, byte[] dstMac, List<byte[]> packets) {
        int ifindex = Interfaces.index(dev);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) Libc.Sockets.SOCKET.invokeExact(cs, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("socket(AF_PACKET)", Libc.errno(cs), null);
            }
            try {
                MemorySegment sll = a.allocate(20, 8);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ethertype);
                sll.set(ValueLayout.JAVA_INT, 4, ifindex);
                sll.set(ValueLayout.JAVA_BYTE, 11, (byte) dstMac.length);
                MemorySegment.copy(MemorySegment.ofArray(dstMac), 0, sll, 12, dstMac.length);
                MemorySegment buf = a.allocate(65536);
                for (byte[] packet : packets) {
                    MemorySegment.copy(MemorySegment.ofArray(packet), 0, buf, 0, packet.length);
                    long sent = (long) Libc.Sockets.SENDTO.invokeExact(cs, fd, buf, (long) packet.length, 0, sll, 20);
                    if (sent < 0) {
                        throw new NativeException("sendto(AF_PACKET)", Libc.errno(cs), null);
                    }
                }
            } finally {
                Libc.close(fd);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Opens a non-blocking TCP socket that queues ICMP errors (IP_RECVERR / IPV6_RECVERR) and starts a connect to
     * {@code destination}:{@code port}, in the calling thread's namespace; returns the descriptor. The error queue
     * is why: an ICMP error that arrives while connect(2) still holds the socket lock (veth delivers the answer
     * inside the sending call) is only a soft error, and the connect fails at the first SYN retransmit, a second
     * later; queued, it makes poll(2) report POLLERR at once.
     */
    public static int startConnect(InetAddress destination, int port) {
        boolean v4 = destination instanceof Inet4Address;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) Libc.Sockets.SOCKET.invokeExact(cs, v4 ? Libc.AF_INET : Libc.AF_INET6,
                    Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("socket(SOCK_STREAM)", Libc.errno(cs), null);
            }
            try {
                MemorySegment one = a.allocateFrom(JAVA_INT, 1);
                int rc = (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
                        v4 ? IP_RECVERR : IPV6_RECVERR, one, 4);
                if (rc < 0) {
                    throw new NativeException("setsockopt(RECVERR)", Libc.errno(cs), null);
                }
                MemorySegment sockaddr = NativeSocket.sockaddr(a, destination, port);
                rc = (int) Libc.Sockets.CONNECT.invokeExact(cs, fd, sockaddr, (int) sockaddr.byteSize());
                // A refusal can be known before connect(2) returns; poll(2) then reports it at once.
                int errno = Libc.errno(cs);
                if (rc < 0 && errno != Errno.EINPROGRESS && errno != Errno.ECONNREFUSED) {
                    throw new NativeException("connect", errno, null);
                }
                return fd;
            } catch (Throwable t) {
                Libc.close(fd);
                throw t;
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Waits up to {@code millis} for {@code fd} to become writable or fail; returns the poll(2) revents, 0 on
     * timeout. An interrupted poll is retried within the same deadline.
     */
    public static int pollOut(int fd, long millis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            MemorySegment pollfd = a.allocate(8, 4);
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (true) {
                pollfd.set(JAVA_INT, 0, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLOUT);
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int wait = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                int rc = (int) Libc.Polling.POLL.invokeExact(cs, pollfd, 1L, wait);
                if (rc >= 0) {
                    return rc == 0 ? 0 : pollfd.get(ValueLayout.JAVA_SHORT, 6);
                }
                if (Libc.errno(cs) != Errno.EINTR || System.nanoTime() - deadline >= 0) {
                    throw new NativeException("poll", Libc.errno(cs), null);
                }
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** SO_ERROR of {@code fd}: the pending hard error, 0 if none. */
    public static int socketError(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            MemorySegment value = a.allocate(JAVA_INT);
            MemorySegment length = a.allocateFrom(JAVA_INT, 4);
            int rc = (int) Libc.Capture.GETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_ERROR, value, length);
            if (rc < 0) {
                throw new NativeException("getsockopt(SO_ERROR)", Libc.errno(cs), null);
            }
            return value.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Closes a descriptor from {@link #startConnect}. */
    public static void close(int fd) {
        Libc.close(fd);
    }
}
