package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * An {@code AF_PACKET/SOCK_DGRAM} socket: it sees every packet an interface receives before netfilter, so knocks
 * to DROPped ports arrive too. {@code SOCK_DGRAM} strips the link header, so data starts at the IP header on
 * every link type (Ethernet, loopback, tun, ppp). Outgoing copies are turned off ({@code PACKET_IGNORE_OUTGOING}).
 *
 * <p>The filter is attached before the socket is bound to {@code ETH_P_ALL}, so not one packet that the filter
 * rejects is ever queued. Bound to {@link #ALL_INTERFACES}, it covers interfaces that appear later as well.
 * {@link #receive} never blocks; wait with a {@link Poller}. Its call-state and address buffers are made once, so a
 * receive allocates nothing. One thread receives; {@link #close} only after that thread is done.
 *
 * <p>Needs {@code CAP_NET_RAW} in the socket's network namespace; without it {@link #open} fails saying so.
 */
public final class PacketSocket implements AutoCloseable {

    /** Bind to every interface, present and future (ifindex 0). */
    public static final int ALL_INTERFACES = 0;
    /** {@code sll_pkttype} of a packet addressed to this host. */
    public static final int PACKET_HOST = 0;

    /** The fix for EPERM, for the socket calls that need the capability. */
    public static final String NEEDS_CAP_NET_RAW =
            "needs CAP_NET_RAW (run as root, or grant it: AmbientCapabilities=CAP_NET_RAW in the unit)";

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = Libc.newCallState(arena);
    private final MemorySegment address = arena.allocate(SOCKADDR_LL_SIZE, 8);
    private final MemorySegment addressLength = arena.allocate(JAVA_INT);
    private final int interfaceIndex;
    private int fd;

    private PacketSocket(int fd, int interfaceIndex) {
        this.fd = fd;
        this.interfaceIndex = interfaceIndex;
    }

    /**
     * Opens a socket that receives what {@code filter} accepts on interface {@code ifindex} (or
     * {@link #ALL_INTERFACES}), in the calling thread's network namespace.
     *
     * @throws NativeException if a call fails; EPERM names CAP_NET_RAW
     */
    public static PacketSocket open(int ifindex, BpfProgram filter) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            // Protocol 0: the socket takes no packets until bind() names ETH_P_ALL, after the filter is on.
            int fd = (int) Libc.Sockets.SOCKET.invokeExact(cs, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int errno = Libc.errno(cs);
                throw new NativeException("socket(AF_PACKET)", errno,
                        Errno.isPermission(errno) ? NEEDS_CAP_NET_RAW : null);
            }
            try {
                setInt(a, cs, fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
                MemorySegment prog = filter.toSockFprog(a);
                check(cs, (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, prog,
                        (int) prog.byteSize()), "setsockopt(SO_ATTACH_FILTER)");
                // A bigger queue rides out a burst while the capture thread is descheduled; best effort.
                MemorySegment size = a.allocateFrom(JAVA_INT, RECEIVE_BUFFER);
                int forced = (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size, 4);
                if (forced < 0) {
                    int ignored = (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size, 4);
                }
                MemorySegment sll = a.allocate(SOCKADDR_LL_SIZE, 8);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                sll.set(BE16, 2, (short) Libc.ETH_P_ALL);
                sll.set(JAVA_INT, 4, ifindex);
                check(cs, (int) Libc.Capture.BIND.invokeExact(cs, fd, sll, SOCKADDR_LL_SIZE),
                        "bind(AF_PACKET, ifindex " + ifindex + ")");
                return new PacketSocket(fd, ifindex);
            } catch (Throwable t) {
                Libc.close(fd);
                throw t;
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * The index of interface {@code name} in the calling thread's network namespace.
     *
     * @throws NativeException ENODEV if there is no such interface
     */
    public static int interfaceIndex(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int index = (int) Libc.Capture.IF_NAMETOINDEX.invokeExact(cs, a.allocateFrom(name));
            if (index == 0) {
                throw new NativeException("if_nametoindex(" + name + ")", Libc.errno(cs), "no such interface");
            }
            return index;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Receives one packet into {@code buffer} (a native segment) without blocking.
     *
     * @return the packet's full length, which exceeds {@code buffer.byteSize()} if it was cut; -1 if none is queued
     * @throws NativeException on a socket error, e.g. ENETDOWN when the bound interface went away
     */
    public int receive(MemorySegment buffer) {
        addressLength.set(JAVA_INT, 0, SOCKADDR_LL_SIZE);
        long n;
        try {
            n = (long) Libc.Capture.RECVFROM.invokeExact(callState, fd, buffer, buffer.byteSize(),
                    Libc.MSG_DONTWAIT | Libc.MSG_TRUNC, address, addressLength);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n >= 0) {
            return (int) Math.min(n, Integer.MAX_VALUE);
        }
        int errno = Libc.errno(callState);
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return -1;
        }
        throw new NativeException("recvfrom(AF_PACKET)", errno, null);
    }

    /** {@code sll_pkttype} of the last packet received: {@link #PACKET_HOST} for one addressed to this host. */
    public int packetType() {
        return address.get(JAVA_BYTE, 10) & 0xff;
    }

    /** {@code sll_ifindex} of the last packet received. */
    public int packetInterface() {
        return address.get(JAVA_INT, 4);
    }

    /** The interface this socket is bound to, {@link #ALL_INTERFACES} for all. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** The descriptor, for a {@link Poller}. */
    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
            arena.close();
        }
    }

    private static void setInt(Arena a, MemorySegment cs, int fd, int level, int option, int value, String name)
            throws Throwable {
        MemorySegment v = a.allocateFrom(JAVA_INT, value);
        check(cs, (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, level, option, v, 4), "setsockopt(" + name + ")");
    }

    private static void check(MemorySegment cs, int result, String call) {
        if (result < 0) {
            int errno = Libc.errno(cs);
            throw new NativeException(call, errno, Errno.isPermission(errno) ? NEEDS_CAP_NET_RAW : null);
        }
    }
}
