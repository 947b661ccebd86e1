package knock.testnet;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import knock.net.Address;
import knock.net.NativeSocket;
import knock.packet.IcmpEcho;

/**
 * The three kinds of knock a host sends: a UDP datagram, a TCP SYN that is never completed, and an ICMP echo
 * request of a given size. Each socket is opened inside the host's namespace and closed at once.
 */
final class Knocks {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Knocks() {
    }

    static void udp(Host host, InetSocketAddress remote, byte[] payload) {
        host.call(() -> {
            try (DatagramChannel channel = DatagramChannel.open(Addresses.protocolFamily(remote.getAddress()))) {
                int sent = channel.send(ByteBuffer.wrap(payload), remote);
                if (sent != payload.length) {
                    throw new IOException("UDP knock to " + remote + ": sent " + sent + " of " + payload.length);
                }
            }
            return null;
        });
    }

    static void tcpSyn(Host host, InetSocketAddress remote) {
        host.call(() -> {
            try (SocketChannel channel = SocketChannel.open(Addresses.protocolFamily(remote.getAddress()))) {
                channel.configureBlocking(false);
                channel.connect(remote);
            } catch (ConnectException e) {
                // Refused at once: the SYN went out all the same.
            }
            return null;
        });
    }

    static void icmp(Host host, InetAddress remote, int payloadLength) {
        int family = Address.family(remote);
        int max = family == 4 ? 65507 : 65527;
        if (payloadLength < 0 || payloadLength > max) {
            throw new IllegalArgumentException("payloadLength: " + payloadLength + " (expected: 0-" + max + ")");
        }
        byte[] packet = IcmpEcho.echoRequest(family == 6, (int) ProcessHandle.current().pid(), SEQUENCE.incrementAndGet(),
                payloadLength);
        host.call(() -> {
            int protocol = family == 4 ? NativeSocket.IPPROTO_ICMP : NativeSocket.IPPROTO_ICMPV6;
            try (NativeSocket raw = NativeSocket.open(NativeSocket.domain(remote), NativeSocket.SOCK_RAW, protocol)) {
                raw.sendTo(packet, remote, 0);
            }
            return null;
        });
    }
}
