package knock.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test helpers that act inside a network namespace from this JVM: setns(2) moves only the calling OS thread, and
 * a socket stays in the namespace it was made in. Also a raw-socket ICMP/ICMPv6 echo sender with a chosen payload
 * length. Root only.
 */
public final class TestNetns {

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;

    // Test-only calls: knock itself never changes namespace, so these are linked here, not in Libc.
    private static final MethodHandle OPEN = Libc.errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SETNS = Libc.errnoCall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private TestNetns() {
    }

    /** Moves the calling thread into {@code /var/run/netns/NAME}; for a thread of its own, never a pool's. */
    public static void enter(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) OPEN.invokeExact(cs, a.allocateFrom("/var/run/netns/" + name), O_RDONLY, 0);
            if (fd < 0) {
                throw new NativeException("open(/var/run/netns/" + name + ")", Libc.errno(cs), null);
            }
            try {
                if ((int) SETNS.invokeExact(cs, fd, CLONE_NEWNET) < 0) {
                    throw new NativeException("setns(" + name + ")", Libc.errno(cs), null);
                }
            } finally {
                Libc.close(fd);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Runs {@code job} on a fresh platform thread inside namespace {@code name} and returns its result. */
    public static <T> T call(String name, Callable<T> job) throws Exception {
        try (ExecutorService e = executor(name)) {
            return e.submit(job).get();
        }
    }

    /** A single-thread executor whose thread lives in namespace {@code name}. */
    public static ExecutorService executor(String name) {
        return Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("netns-" + name).daemon()
                .unstarted(() -> {
                    enter(name);
                    r.run();
                }));
    }

    /**
     * Sends one ICMP (or ICMPv6) echo request with {@code payload} bytes to {@code target} over a raw socket made in
     * the calling thread's namespace. The kernel fills the ICMPv6 checksum; the ICMP one is computed here.
     */
    public static void sendEcho(InetAddress target, int payload) {
        boolean v6 = target instanceof Inet6Address;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) Libc.Sockets.SOCKET.invokeExact(cs, v6 ? AF_INET6 : AF_INET, SOCK_RAW,
                    v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
            if (fd < 0) {
                throw new NativeException("socket(SOCK_RAW)", Libc.errno(cs), null);
            }
            try {
                byte[] msg = new byte[8 + payload];
                msg[0] = (byte) (v6 ? 128 : 8);
                msg[5] = 1; // identifier
                msg[7] = 1; // sequence
                if (!v6) {
                    int sum = 0;
                    for (int i = 0; i < msg.length; i += 2) {
                        sum += ((msg[i] & 0xff) << 8) | (i + 1 < msg.length ? msg[i + 1] & 0xff : 0);
                    }
                    sum = (sum & 0xffff) + (sum >>> 16);
                    sum += sum >>> 16;
                    msg[2] = (byte) (~sum >>> 8);
                    msg[3] = (byte) ~sum;
                }
                MemorySegment buf = a.allocateFrom(ValueLayout.JAVA_BYTE, msg);
                MemorySegment addr = a.allocate(28, 8);
                addr.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
                MemorySegment.copy(MemorySegment.ofArray(target.getAddress()), 0, addr, v6 ? 8 : 4,
                        target.getAddress().length);
                long sent = (long) Libc.Sockets.SENDTO.invokeExact(cs, fd, buf, (long) msg.length, 0, addr, v6 ? 28 : 16);
                if (sent < 0) {
                    throw new NativeException("sendto(SOCK_RAW)", Libc.errno(cs), null);
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
        sendFrames(dev, ethertype, dstMac, java.util.List.of(packet));
    }

    /**
     * As {@link #sendFrame} for many packets over one socket: closing a packet socket waits for an RCU grace
     * period (milliseconds), so a flood must not open one per packet.
     */
    public static void sendFrames(String dev, int ethertype, byte[] dstMac, java.util.List<byte[]> packets) {
        int ifindex = PacketSocket.interfaceIndex(dev);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int fd = (int) Libc.Sockets.SOCKET.invokeExact(cs, Libc.AF_PACKET, Libc.SOCK_DGRAM, 0);
            if (fd < 0) {
                throw new NativeException("socket(AF_PACKET)", Libc.errno(cs), null);
            }
            try {
                MemorySegment sll = a.allocate(20, 8);
                sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                sll.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2, (short) ethertype);
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
}
