package knock.testnet;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the netns fixture needs from the machine, checked once: the capabilities root has, iproute2, the
 * iptables restore tools, and IPv6 in the kernel.
 *
 * <p>The same list decides whether {@link NetnsTest} skips (for a normal user) and what
 * {@link TestNetwork#create()} fails with (under {@code CI=true}, where nothing may skip).
 */
final class Requirements {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final int CAP_SYS_ADMIN = 21;
    /** sbin is often missing from a normal user's PATH, yet that is where these tools live. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    /** Absolute paths of the tools the fixture runs. */
    record Tools(String ip, String iptablesRestore, String ip6tablesRestore) {
    }

    private static volatile List<String> missing;

    private Requirements() {
    }

    /** What is missing, one human-readable item each; empty when netns tests can run. */
    static List<String> missing() {
        List<String> result = missing;
        if (result == null) {
            result = List.copyOf(check());
            missing = result;
        }
        return result;
    }

    /** The tools, or an exception naming everything that is missing. */
    static Tools tools() {
        List<String> lacking = missing();
        if (!lacking.isEmpty()) {
            throw new IllegalStateException("the netns test network needs " + String.join(", ", lacking)
                    + " (run the netns tests as root on a Linux host with iproute2 and iptables)");
        }
        return new Tools(find("ip").orElseThrow(), find("iptables-restore").orElseThrow(),
                find("ip6tables-restore").orElseThrow());
    }

    /** True when the environment says this is a CI run, where netns tests must run or fail, never skip. */
    static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static List<String> check() {
        List<String> lacking = new ArrayList<>();
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            lacking.add("Linux (this is " + System.getProperty("os.name") + ")");
            return lacking;
        }
        BigInteger caps = effectiveCapabilities();
        List<String> caplist = new ArrayList<>();
        if (!caps.testBit(CAP_SYS_ADMIN)) {
            caplist.add("CAP_SYS_ADMIN");
        }
        if (!caps.testBit(CAP_NET_ADMIN)) {
            caplist.add("CAP_NET_ADMIN");
        }
        if (!caps.testBit(CAP_NET_RAW)) {
            caplist.add("CAP_NET_RAW");
        }
        if (!caplist.isEmpty()) {
            lacking.add("root (" + String.join(", ", caplist) + " not effective for user "
                    + System.getProperty("user.name") + ")");
        }
        for (String tool : List.of("ip", "iptables-restore", "ip6tables-restore")) {
            if (find(tool).isEmpty()) {
                lacking.add(tool + " (not found in PATH or " + String.join(":", EXTRA_DIRS) + ")");
            }
        }
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            lacking.add("IPv6 in the kernel (/proc/sys/net/ipv6 missing)");
        }
        return lacking;
    }

    /** CapEff from /proc/self/status; zero when unreadable, which reads as "not root". */
    private static BigInteger effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through: unknown capabilities count as none.
        }
        return BigInteger.ZERO;
    }

    private static Optional<String> find(String tool) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
