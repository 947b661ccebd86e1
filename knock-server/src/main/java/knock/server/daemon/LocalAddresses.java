package knock.server.daemon;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import knock.config.SequenceConfig;
import knock.config.ServerConfig;
import knock.net.Address;

/**
 * The box's own addresses, so that only packets addressed to the box are judged, as the kernel-mode rules in
 * INPUT do. A packet socket also sees frames sent to the box's MAC that it only forwards: on a gateway, a LAN
 * host's connection to some server's port 7001 would otherwise count as a scan of the box. Refreshed from the
 * interfaces every few seconds (an address added by DHCP counts soon after); the configured knock and guard
 * addresses always count. A handful of addresses: a linear scan of primitives, no allocation per packet.
 */
final class LocalAddresses {

    private int[] families = new int[0];
    private long[] his = new long[0];
    private long[] los = new long[0];

    boolean contains(int family, long hi, long lo) {
        for (int i = 0; i < families.length; i++) {
            if (los[i] == lo && his[i] == hi && families[i] == family) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return families.length;
    }

    /** Rereads the interfaces' addresses; keeps the old set if the kernel cannot be asked. */
    void refresh(ServerConfig config) {
        List<InetAddress> addresses = new ArrayList<>();
        for (SequenceConfig sequence : config.sequences()) {
            addresses.addAll(sequence.knockAddresses());
            addresses.addAll(sequence.guardAddresses());
        }
        try {
            for (Enumeration<NetworkInterface> e = NetworkInterface.getNetworkInterfaces(); e.hasMoreElements(); ) {
                for (Enumeration<InetAddress> a = e.nextElement().getInetAddresses(); a.hasMoreElements(); ) {
                    addresses.add(a.nextElement());
                }
            }
        } catch (SocketException e) {
            if (families.length > 0) {
                return;
            }
        }
        int[] f = new int[addresses.size()];
        long[] h = new long[f.length];
        long[] l = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            InetAddress address = addresses.get(i);
            f[i] = Address.family(address);
            h[i] = Address.hi(address);
            l[i] = Address.lo(address);
        }
        families = f;
        his = h;
        los = l;
    }
}
