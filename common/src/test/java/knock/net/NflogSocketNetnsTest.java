package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;

/**
 * The socket against a real kernel: fw logs UDP to port 8000 and ICMP echo requests to group 77 from INPUT and
 * drops everything; what the client sends arrives as nflog messages the decoder reads, cut at the copy range.
 */
@NetnsTest
class NflogSocketNetnsTest {

    private static final int GROUP = 77;
    private static TestNetwork net;

    @BeforeAll
    static void build() {
        net = TestNetwork.create();
        String log = "-j NFLOG --nflog-group " + GROUP;
        net.fw().loadRules(4, "*filter\n:INPUT DROP [0:0]\n-A INPUT -p udp --dport 8000 " + log
                + "\n-A INPUT -p icmp --icmp-type echo-request " + log + "\nCOMMIT\n");
        net.fw().loadRules(6, "*filter\n:INPUT DROP [0:0]\n-A INPUT -p udp --dport 8000 " + log + "\nCOMMIT\n");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void loggedPacketsArriveCutAtTheCopyRangeAndASecondBindSaysTheGroupIsTaken() throws Throwable {
        NflogSocket socket = net.fw().call(() -> NflogSocket.open(GROUP, 128));
        try (socket; Arena arena = Arena.ofConfined()) {
            NativeException taken = assertThrows(NativeException.class,
                    () -> net.fw().call(() -> NflogSocket.open(GROUP, 128)));
            assertTrue(taken.getMessage().contains("nflog group 77 is taken: is another knock-server running?"),
                    taken.getMessage());

            net.client().knockUdp(TestNetwork.KNOCK4, 8000);
            net.client().knockUdp(TestNetwork.KNOCK4, 8001);
            net.client().knockUdp(TestNetwork.KNOCK6, 8000);
            net.client().knockIcmp(TestNetwork.KNOCK4, 1000);
            MemorySegment buffer = arena.allocate(65536, 8);
            NflogMessages messages = new NflogMessages();
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            MemorySegment callState = Libc.newCallState(arena);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                for (int n; (n = receive(socket, buffer, callState)) > 0; ) {
                    messages.reset(buffer, n);
                    while (messages.next()) {
                        seen.add(messages.family() + " " + describe(buffer, messages.payloadOffset()) + " copied="
                                + messages.payloadLength() + " if=" + (messages.inInterface() > 0));
                    }
                }
            }
            assertEquals(List.of(
                    "4 udp 198.18.0.2 > 8000 length=28 copied=28 if=true",
                    "6 udp fd6b:6e6f:636b::2 > 8000 length=48 copied=48 if=true",
                    "4 icmp 198.18.0.2 > echo length=1028 copied=128 if=true"), seen);
            assertEquals(0, messages.malformed());
        }
        NflogSocket again = net.fw().call(() -> NflogSocket.open(GROUP, 128));
        again.close(); // closing released the group
    }

    /** One non-blocking read of the socket, as the daemon's loop makes it; 0 when nothing is queued. */
    private static int receive(NflogSocket socket, MemorySegment buffer, MemorySegment callState) throws Throwable {
        long n = (long) Libc.Capture.RECVFROM.invokeExact(callState, socket.fd(), buffer, buffer.byteSize(),
                Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        if (n < 0 && Libc.errno(callState) != Errno.EAGAIN) {
            throw new NativeException("recvfrom", Libc.errno(callState), null);
        }
        return (int) Math.max(n, 0);
    }

    /**
     * The copied packet's network header as far as this test needs it (the daemon's decoder lives in the server):
     * protocol, source, destination port (or "echo"), and the length the IP header states, which a cut copy keeps.
     */
    private static String describe(MemorySegment buffer, long at) {
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        int version = (buffer.get(ValueLayout.JAVA_BYTE, at) & 0xf0) >>> 4;
        boolean v4 = version == 4;
        int protocol = buffer.get(ValueLayout.JAVA_BYTE, at + (v4 ? 9 : 6)) & 0xff;
        int header = v4 ? (buffer.get(ValueLayout.JAVA_BYTE, at) & 0x0f) * 4 : 40;
        int length = v4 ? buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(be), at + 2) & 0xffff
                : 40 + (buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(be), at + 4) & 0xffff);
        byte[] source = buffer.asSlice(at + (v4 ? 12 : 8), v4 ? 4 : 16).toArray(ValueLayout.JAVA_BYTE);
        String to = protocol == 17 ? "udp" : protocol == 1 || protocol == 58 ? "icmp" : "proto " + protocol;
        String port = to.equals("udp")
                ? Integer.toString(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(be), at + header + 2) & 0xffff)
                : "echo";
        try {
            return to + " " + Address.format(java.net.InetAddress.getByAddress(source)) + " > " + port
                    + " length=" + length;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
