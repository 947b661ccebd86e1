import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's eavesdropper: records the payload of the first IPv4 UDP datagram to PORT that crosses this network
 * namespace's wire (a packet socket sees it before any firewall rule), into FILE, then exits 0; exits 1 after
 * SECONDS without one. Run from source: java --enable-native-access=ALL-UNNAMED scripts/SniffUdp.java PORT FILE
 * SECONDS. Needs CAP_NET_RAW.
 */
public class SniffUdp {

    public static void main(String[] args) throws Throwable {
        int port = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle setsockopt = linker.downcallHandle(libc.find("setsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle recv = linker.downcallHandle(libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            // AF_PACKET, SOCK_DGRAM (the network-layer packet, no link header), ETH_P_IP in network byte order.
            int fd = (int) socket.invokeExact(17, 2, (int) (Short.reverseBytes((short) 0x0800) & 0xffff));
            if (fd < 0) {
                System.err.println("SniffUdp: socket(AF_PACKET) failed (needs CAP_NET_RAW)");
                System.exit(2);
            }
            MemorySegment timeout = arena.allocate(16); // struct timeval { 0 s, 200000 us }: recv wakes up
            timeout.set(JAVA_LONG, 8, 200_000);
            int ignored = (int) setsockopt.invokeExact(fd, 1, 20, timeout, 16); // SOL_SOCKET, SO_RCVTIMEO
            MemorySegment buffer = arena.allocate(65536);
            System.out.println("SniffUdp: listening for udp/" + port);
            System.out.flush();
            while (System.nanoTime() - deadline < 0) {
                long n = (long) recv.invokeExact(fd, buffer, 65536L, 0);
                if (n < 28) {
                    continue;
                }
                byte[] p = buffer.asSlice(0, n).toArray(JAVA_BYTE);
                int ihl = (p[0] & 0x0f) * 4;
                if ((p[0] & 0xf0) != 0x40 || p[9] != 17 || n < ihl + 8) {
                    continue;
                }
                int dport = (p[ihl + 2] & 0xff) << 8 | p[ihl + 3] & 0xff;
                if (dport == port) {
                    Files.write(out, java.util.Arrays.copyOfRange(p, ihl + 8, (int) n));
                    return;
                }
            }
        }
        System.err.println("SniffUdp: no datagram to port " + port + " within " + args[2] + " s");
        System.exit(1);
    }
}
