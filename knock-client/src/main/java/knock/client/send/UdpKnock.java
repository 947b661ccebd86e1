package knock.client.send;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A UDP knock: one datagram of one zero byte, as knockd's client sends. No answer is awaited. */
final class UdpKnock {

    private UdpKnock() {
    }

    static void send(InetAddress target, int port) throws IOException {
        var family = target instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (DatagramChannel channel = DatagramChannel.open(family)) {
            channel.send(ByteBuffer.allocate(1), new InetSocketAddress(target, port));
        }
    }
}
