package knock.client.send;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import knock.client.ClientException;
import knock.net.Errno;
import knock.net.NativeException;
import knock.net.NativeSocket;
import knock.packet.IcmpEcho;

/**
 * Sends ICMP echo requests (ICMPv6 towards an IPv6 target) over one socket opened for the whole sequence. It
 * tries the unprivileged ping socket first ({@code SOCK_DGRAM}, allowed by {@code net.ipv4.ping_group_range},
 * which governs ICMPv6 too), then a raw socket (CAP_NET_RAW); where neither is allowed it fails naming both.
 */
final class IcmpKnock implements AutoCloseable {

    private static final Path PING_GROUP_RANGE = Path.of("/proc/sys/net/ipv4/ping_group_range");

    private final NativeSocket socket;
    private final boolean ping;
    private final boolean ipv6;
    private final int id;

    private IcmpKnock(NativeSocket socket, boolean ping, boolean ipv6) {
        this.socket = socket;
        this.ping = ping;
        this.ipv6 = ipv6;
        this.id = (int) (ProcessHandle.current().pid() & 0xffff);
    }

    static IcmpKnock open(InetAddress target) {
        boolean v6 = target instanceof Inet6Address;
        int domain = v6 ? NativeSocket.AF_INET6 : NativeSocket.AF_INET;
        int protocol = v6 ? NativeSocket.IPPROTO_ICMPV6 : NativeSocket.IPPROTO_ICMP;
        NativeException pingFailure;
        try {
            return new IcmpKnock(NativeSocket.open(domain, NativeSocket.SOCK_DGRAM, protocol), true, v6);
        } catch (NativeException e) {
            pingFailure = e;
        }
        try {
            return new IcmpKnock(NativeSocket.open(domain, NativeSocket.SOCK_RAW, protocol), false, v6);
        } catch (NativeException raw) {
            if (raw.isPermission()) {
                throw ClientException.privilege("icmp step: no ICMP socket allowed (ping socket: "
                        + Errno.name(pingFailure.errno()) + ", raw socket: " + Errno.name(raw.errno())
                        + "): needs CAP_NET_RAW, or the user's group in net.ipv4.ping_group_range (now '"
                        + pingGroupRange() + "')");
            }
            throw ClientException.failure("icmp step: " + raw.getMessage());
        }
    }

    /** Which socket carries the echo requests, for {@code -v}. */
    String kind() {
        return ping ? "ping socket" : "raw socket";
    }

    void send(InetAddress target, int payloadLength, int seq) {
        socket.sendTo(IcmpEcho.echoRequest(ipv6, id, seq, payloadLength), target, 0);
    }

    @Override
    public void close() {
        socket.close();
    }

    private static String pingGroupRange() {
        // One read(2): the kernel's proc_dointvec answers EOF at any offset past 0, and Files.readString of a
        // file whose size reads 0 (all of /proc/sys) takes its first byte alone, so it would say '1' for '1 0'.
        try (InputStream in = Files.newInputStream(PING_GROUP_RANGE)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
