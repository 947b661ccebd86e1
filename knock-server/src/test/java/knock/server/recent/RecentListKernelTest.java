package knock.server.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import knock.server.track.Source;

/**
 * RecentList against the real xt_recent in a throwaway network namespace. The lists are reached through
 * {@code /proc/PID/net/xt_recent} of a process sleeping in the namespace, so this JVM never leaves its own.
 *
 * <pre>
 *   [ knock-track-PID ]  lists kt4 (iptables), kt6 (ip6tables); no interfaces needed
 * </pre>
 */
@Tag("netns")
class RecentListKernelTest {

    static final String NS = "knock-track-" + ProcessHandle.current().pid();
    static Process holder;
    static Path dir;

    @BeforeAll
    static void namespace() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean ci = "true".equals(System.getenv("CI"));
        if (!root && ci) {
            throw new IllegalStateException("netns tests need root (CI=true: failing, not skipping)");
        }
        assumeTrue(root, "needs root for network namespaces");
        run("ip", "netns", "del", NS);
        assertEquals(0, run("ip", "netns", "add", NS), "ip netns add " + NS);
        assertEquals(0, run("ip", "netns", "exec", NS, "iptables", "-A", "INPUT", "-m", "recent", "--rcheck",
                "--name", "kt4", "--rsource", "-j", "ACCEPT"), "iptables rule naming kt4");
        assertEquals(0, run("ip", "netns", "exec", NS, "ip6tables", "-A", "INPUT", "-m", "recent", "--rcheck",
                "--name", "kt6", "--rsource", "-j", "ACCEPT"), "ip6tables rule naming kt6");
        holder = new ProcessBuilder("ip", "netns", "exec", NS, "sleep", "300").start();
        dir = Path.of("/proc", Long.toString(holder.pid()), "net", "xt_recent");
        for (int i = 0; i < 100 && !Files.exists(dir.resolve("kt6")); i++) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (holder != null) {
            holder.destroy();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", NS);
    }

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void theKernelTakesOurCommandsInBothFamilies() {
        RecentList kt4 = new RecentList(dir, "kt4");
        RecentList kt6 = new RecentList(dir, "kt6");
        kt4.add(Source.parse("198.18.0.2"));
        kt4.add(Source.parse("198.18.0.3"));
        kt6.add(Source.parse("fd6b:6e6f:636b::2"));
        assertEquals(List.of("198.18.0.2", "198.18.0.3"),
                kt4.entries().stream().map(e -> e.source().toString()).sorted().toList(), "IPv4 list");
        assertEquals(List.of("fd6b:6e6f:636b::2"),
                kt6.entries().stream().map(e -> e.source().toString()).toList(), "IPv6 list read back normalised");
        kt4.remove(Source.parse("198.18.0.2"));
        kt4.remove(Source.parse("198.18.0.9"));
        assertEquals(List.of("198.18.0.3"), kt4.entries().stream().map(e -> e.source().toString()).toList(),
                "after removing one present and one absent source");
        kt6.flush();
        assertTrue(kt6.entries().isEmpty(), "IPv6 list not flushed");
    }

    @Test
    void aListNoRuleNamesIsMissing() {
        RecentList none = new RecentList(dir, "kt_none");
        MissingListException e = org.junit.jupiter.api.Assertions.assertThrows(MissingListException.class,
                () -> none.add(Source.parse("198.18.0.2")));
        assertTrue(e.getMessage().startsWith("the list file " + dir.resolve("kt_none") + " is missing"), e.getMessage());
    }
}
