package knock.server.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import knock.sequence.Sequence;

/**
 * One {@code [sequence NAME]} section: the knock, where it is knocked, the port it opens and how the scan guard
 * treats the source. Knock addresses may be of both families; each family has its own list.
 *
 * @param spaPort the UDP port of a signed sequence (one SPA datagram; its steps are then just that port, for the
 *                ruleset), or 0 for a plain sequence of steps
 */
public record SequenceConfig(
        Sequence sequence,
        List<InetAddress> knockAddresses,
        int guardPort,
        List<InetAddress> guardAddresses,
        String list4,
        String list6,
        Duration window,
        int maxConnections,
        ScanGuard scanGuard,
        List<Cidr> allow,
        int spaPort) {

    public SequenceConfig {
        knockAddresses = List.copyOf(knockAddresses);
        guardAddresses = List.copyOf(guardAddresses);
        allow = List.copyOf(allow);
    }

    public String name() {
        return sequence.name();
    }

    /** Whether a knock is one signed datagram to {@link #spaPort()} rather than steps. */
    public boolean signed() {
        return spaPort != 0;
    }

    /** The list of the given family (4 or 6). */
    public String list(int family) {
        return family == 4 ? list4 : list6;
    }

    public List<InetAddress> knockAddresses(int family) {
        return knockAddresses.stream().filter(a -> familyOf(a) == family).toList();
    }

    public List<InetAddress> guardAddresses(int family) {
        return guardAddresses.stream().filter(a -> familyOf(a) == family).toList();
    }

    public List<Cidr> allow(int family) {
        return allow.stream().filter(c -> c.family() == family).toList();
    }

    /** Whether this sequence takes knocks in the family (it has a knock address there). */
    public boolean knocksIn(int family) {
        return !knockAddresses(family).isEmpty();
    }

    public static int familyOf(InetAddress address) {
        return address instanceof Inet4Address ? 4 : 6;
    }

    /**
     * What counts as a scan: a hit within {@code adjacent} of a knock port, a knock port hit on another address
     * of the box, a completed sequence repeated within {@code holdOff}.
     */
    public record ScanGuard(int adjacent, boolean otherAddress, Duration holdOff) {
    }
}
