package knock.client.send;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;

/**
 * A TCP knock: one SYN, sent by a non-blocking connect that is abandoned at once. {@code connect(2)} puts the
 * SYN on the wire before it returns; closing in SYN_SENT sends nothing more (tcp_close_state: SYN_SENT goes
 * straight to CLOSE). A knock port is usually dropped, so waiting for an answer would only cost time.
 */
final class TcpSynKnock {

    private TcpSynKnock() {
    }

    static void send(InetAddress target, int port) throws IOException {
        var family = target instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (SocketChannel channel = SocketChannel.open(family)) {
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(target, port));
        } catch (ConnectException refused) {
            // refused before connect returned (loopback answers in the same call): the SYN went out
        }
    }
}
