package knock.client.cli;

import knock.KnockException;
import knock.client.ClientException;

/** The exit codes of {@code knock}, as {@code --help} and the README list them. */
final class ExitCode {

    /** Knocked (and, if asked to wait, the port opened; as proxy, the session ended cleanly). */
    static final int OK = 0;
    /** The network refused, the port stayed closed past the wait, or the relay failed. */
    static final int FAILURE = KnockException.FAILURE;
    /** Bad usage or input: unknown host, malformed step, unresolvable name, bad profile file. */
    static final int USAGE = KnockException.USAGE;
    /** A privilege is missing: an ICMP step needs CAP_NET_RAW or net.ipv4.ping_group_range. */
    static final int PRIVILEGE = ClientException.PRIVILEGE;

    private ExitCode() {
    }
}
