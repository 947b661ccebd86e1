package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A netlink socket bound to one {@code nfnetlink_log} group: it receives a copy of every packet that an
 * iptables {@code -j NFLOG --nflog-group G} rule matches, at the point of that rule. Put in INPUT, that is
 * exactly what INPUT sees: reassembled (conntrack's defrag runs first), after rp_filter, martian and VLAN
 * handling, addressed to the box. NFLOG does not end the rule walk, so the packet still meets the DROP policy.
 *
 * <p>Set up with one config message (bind, copy mode, queue threshold, flush timeout), acknowledged by the kernel:
 * {@link NflogMessages#PACKET} messages then arrive one per logged packet at once (queue threshold 1: no
 * batching delay), each holding the first {@code copyRange} bytes from the network header. The socket is
 * non-blocking: register {@link #fd} with an epoll loop and read(2) it there (the daemon reads through netty's
 * JNI read: an FFM call that captures errno allocates 40 bytes per call under C1); {@link NflogMessages} reads
 * what one read received.
 *
 * <p>A group is per network namespace and taken by one socket at a time: a second bind fails ({@code EPERM} from
 * another process, {@code EBUSY} from the same socket), which {@link #open} reports as "taken". Binding needs
 * {@code CAP_NET_ADMIN}. When the receive queue overflows the kernel drops messages and the next read fails with
 * {@code ENOBUFS} once: the reader counts it as a drop.
 *
 * <p>Constants are those of {@code linux/netfilter/nfnetlink_log.h}, {@code nfnetlink.h} and {@code netlink.h}.
 */
public final class NflogSocket implements AutoCloseable {

    /** The fix for EPERM without the capability. */
    public static final String NEEDS_CAP_NET_ADMIN =
            "needs CAP_NET_ADMIN (run as root, or grant it: AmbientCapabilities=CAP_NET_ADMIN in the unit)";

    static final int NFNL_SUBSYS_ULOG = 4;
    static final int NFULNL_MSG_PACKET = 0;
    static final int NFULNL_MSG_CONFIG = 1;
    static final int NLMSG_HDRLEN = 16;
    static final int NFGENMSG_LEN = 4;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NFULA_CFG_CMD = 1;
    private static final int NFULA_CFG_MODE = 2;
    private static final int NFULA_CFG_TIMEOUT = 4;
    private static final int NFULA_CFG_QTHRESH = 5;
    private static final int NFULNL_CFG_CMD_BIND = 1;
    private static final int NFULNL_COPY_PACKET = 2;
    private static final int SOCKADDR_NL_SIZE = 12;
    /**
     * The receive queue's limit (the kernel doubles it). With a queue threshold of 1 every packet is its own
     * message in an skb of at least nlbufsiz (4096, the kernel's smallest): ~8 KiB of truesize a packet, so 8 MiB
     * held ~2,000 packets, 18 ms of a 115k/s flood, and a daemon descheduled that long on a busy 2-CPU box lost
     * copies (and a legitimate knock with them). 32 MiB holds ~70 ms. Kernel memory, used only while the queue
     * backs up, not the daemon's RSS.
     */
    private static final int RECEIVE_BUFFER = 32 << 20;
    private static final int CAP_NET_ADMIN = 12;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int group;
    private final int copyRange;
    private int fd;

    private NflogSocket(int fd, int group, int copyRange) {
        this.fd = fd;
        this.group = group;
        this.copyRange = copyRange;
    }

    /**
     * Opens a socket bound to nflog group {@code group} in the calling thread's network namespace, copying the
     * first {@code copyRange} bytes of each packet.
     *
     * @throws NativeException if a call fails: "taken" when another socket holds the group, CAP_NET_ADMIN named
     *                         when it is missing
     */
    public static NflogSocket open(int group, int copyRange) {
        if (group < 0 || group > 65535 || copyRange < 40 || copyRange > 65535) {
            throw new IllegalArgumentException("group " + group + " copy range " + copyRange
                    + " (expected: 0-65535, 40-65535)");
        }
        int fd = Libc.socket("socket(AF_NETLINK, NETLINK_NETFILTER)", Libc.AF_NETLINK,
                Libc.SOCK_RAW | Libc.SOCK_NONBLOCK, Libc.NETLINK_NETFILTER);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            try {
                // A big queue rides out a burst while the reader is descheduled; best effort without the capability.
                MemorySegment size = a.allocateFrom(JAVA_INT, RECEIVE_BUFFER);
                if ((int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size, 4) < 0) {
                    int ignored = (int) Libc.Sockets.SETSOCKOPT.invokeExact(cs, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF,
                            size, 4);
                }
                MemorySegment local = sockaddrNl(a);
                if ((int) Libc.Capture.BIND.invokeExact(cs, fd, local, SOCKADDR_NL_SIZE) < 0) {
                    throw new NativeException("bind(AF_NETLINK)", Libc.errno(cs), null);
                }
                configure(a, cs, fd, group, copyRange);
                return new NflogSocket(fd, group, copyRange);
            } catch (Throwable t) {
                Libc.close(fd);
                throw t;
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Binds the group and sets copy mode, queue threshold 1 and a 10 ms flush timeout in one acknowledged message. */
    private static void configure(Arena a, MemorySegment cs, int fd, int group, int copyRange) throws Throwable {
        int length = NLMSG_HDRLEN + NFGENMSG_LEN + 8 + 12 + 8 + 8;
        MemorySegment msg = a.allocate(length, 4);
        msg.set(JAVA_INT, 0, length);
        msg.set(JAVA_SHORT, 4, (short) (NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG));
        msg.set(JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_ACK));
        msg.set(JAVA_INT, 8, 1); // sequence number
        msg.set(JAVA_INT, 12, 0); // port id: the kernel fills in ours
        long at = NLMSG_HDRLEN;
        msg.set(JAVA_BYTE, at, (byte) 0); // nfgen_family AF_UNSPEC
        msg.set(JAVA_BYTE, at + 1, (byte) 0); // NFNETLINK_V0
        msg.set(BE16, at + 2, (short) group);
        at += NFGENMSG_LEN;
        at = attribute(msg, at, NFULA_CFG_CMD, 1);
        msg.set(JAVA_BYTE, at - 4, (byte) NFULNL_CFG_CMD_BIND);
        at = attribute(msg, at, NFULA_CFG_MODE, 6);
        msg.set(BE32, at - 8, copyRange);
        msg.set(JAVA_BYTE, at - 4, (byte) NFULNL_COPY_PACKET);
        at = attribute(msg, at, NFULA_CFG_QTHRESH, 4);
        msg.set(BE32, at - 4, 1);
        at = attribute(msg, at, NFULA_CFG_TIMEOUT, 4);
        msg.set(BE32, at - 4, 1); // 1/100 s; with a threshold of 1 every packet is sent at once anyway
        MemorySegment kernel = sockaddrNl(a);
        if ((long) Libc.Sockets.SENDTO.invokeExact(cs, fd, msg, (long) length, 0, kernel, SOCKADDR_NL_SIZE) < 0) {
            throw new NativeException("sendto(NETLINK_NETFILTER)", Libc.errno(cs), null);
        }
        int error = awaitAck(a, cs, fd);
        if (error != 0) {
            String call = "nflog bind group " + group;
            if (error == Errno.EBUSY || (error == Errno.EPERM && hasNetAdmin())) {
                throw new NativeException(call, error, "nflog group " + group
                        + " is taken: is another knock-server running? (set [server] nflog-group to another group)");
            }
            throw new NativeException(call, error, Errno.isPermission(error) ? NEEDS_CAP_NET_ADMIN : null);
        }
    }

    /** Writes an attribute header for {@code payload} bytes at {@code at}; returns the aligned end. */
    private static long attribute(MemorySegment msg, long at, int type, int payload) {
        msg.set(JAVA_SHORT, at, (short) (4 + payload));
        msg.set(JAVA_SHORT, at + 2, (short) type);
        return at + align(4 + payload);
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    /**
     * Reads until the kernel's answer to the config message: 0 or the errno it reports. The kernel handles a
     * netlink request inside sendto(2), so the answer is queued already; a packet logged in between is skipped.
     */
    private static int awaitAck(Arena a, MemorySegment cs, int fd) throws Throwable {
        MemorySegment buffer = a.allocate(8192, 8);
        for (int reads = 0; reads < 64; reads++) {
            long n = (long) Libc.Capture.RECVFROM.invokeExact(cs, fd, buffer, buffer.byteSize(), Libc.MSG_DONTWAIT,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (n < 0) {
                throw new NativeException("recvfrom(NETLINK_NETFILTER): no answer to the nflog bind", Libc.errno(cs),
                        null);
            }
            for (long at = 0; at + NLMSG_HDRLEN <= n; ) {
                int length = buffer.get(JAVA_INT, at);
                if (length < NLMSG_HDRLEN || at + length > n) {
                    break;
                }
                if ((buffer.get(JAVA_SHORT, at + 4) & 0xffff) == NLMSG_ERROR && length >= NLMSG_HDRLEN + 4) {
                    return -buffer.get(JAVA_INT, at + NLMSG_HDRLEN);
                }
                at += align(length);
            }
        }
        throw new NativeException("recvfrom(NETLINK_NETFILTER): no answer to the nflog bind", Errno.EAGAIN, null);
    }

    private static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    return (caps & (1L << CAP_NET_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Unknown: say "taken", the likelier cause once the daemon checked its capabilities.
        }
        return true;
    }

    /** {@code struct sockaddr_nl} for the kernel (port id 0, no multicast groups). */
    private static MemorySegment sockaddrNl(Arena a) {
        MemorySegment sa = a.allocate(SOCKADDR_NL_SIZE, 4);
        sa.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        return sa;
    }

    /** The group this socket is bound to. */
    public int group() {
        return group;
    }

    /** Bytes of each packet the kernel copies, from the network header. */
    public int copyRange() {
        return copyRange;
    }

    /** The descriptor, for a {@link Poller}. */
    public int fd() {
        return fd;
    }

    /** Closes the socket; the kernel unbinds the group with it. Only once nothing reads it any more. */
    @Override
    public void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
