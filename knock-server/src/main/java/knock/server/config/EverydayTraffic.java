package knock.server.config;

import java.util.List;

import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Step;

/**
 * Packets that ordinary tools send to a box, which a knock step must not look like. The scan guard judges
 * every packet to the box: an admitted user whose ping, DNS query or web request to the box hits a step (or
 * a port within {@code scan-adjacent} of one) counts as a scanner or as a knock gone wrong, and loses the
 * port. Only what such a user sends on their own counts here; replies, broadcasts and multicast never reach
 * the scan guard (the capture takes packets addressed to the box, and TCP only as a SYN).
 *
 * <p>Where each comes from:
 * <ul>
 * <li>ICMP echo payload 56: {@code ping} on Linux (iputils, BusyBox), the BSDs and macOS ({@code DEFDATALEN}
 *     = 64 - 8), and {@code fping}'s default.
 * <li>32: {@code ping} on Windows (its 32-byte alphabet); Linux {@code traceroute -I} (60-byte IPv4 and 80-byte
 *     IPv6 packets: 32 bytes of payload either way).
 * <li>64: Windows {@code tracert}, and the round size people give {@code ping -s}.
 * <li>36 and 16: {@code mtr}'s default 64-byte packets, headers included, over IPv4 and IPv6.
 * <li>0: {@code nmap}'s host discovery and {@code hping3}, which send echoes without payload.
 * <li>TCP 22 (ssh), 80 and 443 (HTTP, HTTPS), 139 and 445 (Windows file sharing).
 * <li>UDP 53 (DNS, also TCP), 67 and 68 (DHCP), 123 (NTP), 137 and 138 (NetBIOS), 161 (SNMP), 443 (HTTP/3),
 *     33434-33534 (the UDP probes of {@code traceroute} and {@code mtr -u}: 33434 plus one per probe).
 * </ul>
 */
final class EverydayTraffic {

    /** Traffic of one kind: {@code protocol} to ports (or ICMP payload sizes) {@code from}-{@code to}. */
    record Use(Protocol protocol, int from, int to, String what) {

        /** Whether {@code step} is this traffic, or within {@code adjacent} of it. */
        boolean near(Step step, int adjacent) {
            return step.protocol() == protocol && step.value() >= from - adjacent && step.value() <= to + adjacent;
        }

        boolean exact(Step step) {
            return near(step, 0);
        }
    }

    static final List<Use> USES = List.of(
            icmp(56, "a plain ping (Linux, BSD, macOS, fping)"),
            icmp(32, "a Windows ping or a Linux traceroute -I"),
            icmp(64, "a Windows tracert, or ping -s 64"),
            icmp(36, "mtr over IPv4"),
            icmp(16, "mtr over IPv6"),
            icmp(0, "an echo of nmap's host discovery or hping3"),
            new Use(Protocol.TCP, 22, 22, "ssh"),
            new Use(Protocol.TCP, 53, 53, "DNS"),
            new Use(Protocol.UDP, 53, 53, "DNS"),
            new Use(Protocol.UDP, 67, 68, "DHCP"),
            new Use(Protocol.TCP, 80, 80, "HTTP"),
            new Use(Protocol.UDP, 123, 123, "NTP"),
            new Use(Protocol.UDP, 137, 138, "NetBIOS"),
            new Use(Protocol.TCP, 139, 139, "Windows file sharing"),
            new Use(Protocol.UDP, 161, 161, "SNMP"),
            new Use(Protocol.TCP, 443, 443, "HTTPS"),
            new Use(Protocol.UDP, 443, 443, "HTTP/3"),
            new Use(Protocol.TCP, 445, 445, "Windows file sharing"),
            new Use(Protocol.UDP, 33434, 33534, "a traceroute's UDP probes"));

    private EverydayTraffic() {
    }

    private static Use icmp(int payload, String what) {
        return new Use(Protocol.ICMP, payload, payload, what);
    }

    /**
     * Why {@code step} is a poor knock with this scan neighbourhood, one line; {@code null} when nothing
     * everyday sends it or its neighbours.
     */
    static String warning(Step step, int adjacent) {
        for (Use use : USES) {
            if (use.exact(step)) {
                return "step " + step + " is everyday traffic, " + use.what() + consequence();
            }
        }
        for (Use use : USES) {
            if (use.near(step, adjacent)) {
                return "step " + step + " is within scan-adjacent " + adjacent + " of everyday traffic, "
                        + use.what() + consequence();
            }
        }
        return null;
    }

    /**
     * Why a time-derived range of {@code protocol} ports is a poor one with this scan neighbourhood, one line;
     * {@code null} when nothing everyday sends to the range or its neighbours. Its ports change every period, so
     * any everyday port in the range is a step some of the time.
     */
    static String warning(Protocol protocol, PortRange range, int adjacent) {
        for (Use use : USES) {
            if (use.protocol() == protocol && use.from() <= range.last() + adjacent
                    && use.to() >= range.first() - adjacent) {
                return "port-range " + range + " for " + protocol.label() + " steps holds everyday traffic, "
                        + use.what() + " (" + (use.from() == use.to() ? use.from() : use.from() + "-" + use.to())
                        + "/" + protocol.label() + ")" + consequence();
            }
        }
        return null;
    }

    private static String consequence() {
        return ": an admitted user who sends it to the box counts as a scan or a wrong step and loses the port "
                + "(expected: a step no everyday tool sends)";
    }
}
