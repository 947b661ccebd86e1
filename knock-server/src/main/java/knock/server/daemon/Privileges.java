package knock.server.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once at start, that the process holds the capabilities the daemon needs, so a missing one is named
 * before anything half-starts: CAP_NET_ADMIN, to bind the nflog group that sees knocks and to write the kernel's
 * lists. Reads the effective set from /proc/self/status.
 */
final class Privileges {

    static final int CAP_NET_ADMIN = 12;

    private Privileges() {
    }

    /** Throws naming every missing capability and how to grant it. */
    static void require() {
        long effective = effective(Path.of("/proc/self/status"));
        List<String> missing = new ArrayList<>();
        if ((effective & (1L << CAP_NET_ADMIN)) == 0) {
            missing.add("CAP_NET_ADMIN (to see knocks on an nflog group and manage the xt_recent lists)");
        }
        if (!missing.isEmpty()) {
            throw new DaemonException("missing capability " + String.join(" and ", missing)
                    + "; run as root or with AmbientCapabilities=CAP_NET_ADMIN");
        }
    }

    static long effective(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new DaemonException("cannot read capabilities from " + status + ": " + e.getMessage());
        }
        throw new DaemonException("no CapEff line in " + status);
    }
}
