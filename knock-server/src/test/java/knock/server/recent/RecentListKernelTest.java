package knock.server.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import knock.net.Source;
import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;

/**
 * RecentList against the real xt_recent, in the fw namespace of the shared {@link TestNetwork}. The lists are
 * reached through {@code Host.procNet()}, the {@code /proc/PID/task/TID/net} of the fixture's thread in that
 * namespace, so the test thread never leaves its own.
 *
 * <pre>
 *   [ fw ]  lists kt4 (iptables), kt6 (ip6tables); no traffic needed
 * </pre>
 */
@NetnsTest
class RecentListKernelTest {

    static TestNetwork net;
    static Path dir;

    @BeforeAll
    static void namespace() {
        net = TestNetwork.create();
        net.fw().loadRules(4, naming("kt4"));
        net.fw().loadRules(6, naming("kt6"));
        dir = net.fw().procNet().resolve("xt_recent");
    }

    /** A filter table whose one rule names {@code list}: xt_recent keeps a list only while a rule names it. */
    private static String naming(String list) {
        return "*filter\n-A INPUT -m recent --rcheck --name " + list + " --rsource -j ACCEPT\nCOMMIT\n";
    }

    @AfterAll
    static void cleanup() {
        if (net != null) {
            net.close();
        }
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

    @Test
    void oneKeptDescriptorTakesEveryCommandAndSurvivesARulesetReload() {
        net.fw().loadRules(4, naming("kr4"));
        try (RecentList kr4 = new RecentList(dir, "kr4")) {
            for (int i = 1; i <= 50; i++) {
                kr4.add(Source.parse("198.18.0." + i));
            }
            for (int i = 1; i <= 50; i += 2) {
                kr4.remove(Source.parse("198.18.0." + i));
            }
            assertEquals(25, kr4.entries().size(), "50 adds and 25 removes through one descriptor");
            // A ruleset that still names the list keeps it (entries and descriptor alike); one without it takes
            // it away, and the next one that names it makes a new, empty list: the kept descriptor is stale.
            net.fw().loadRules(4, naming("kr4"));
            assertEquals(25, kr4.entries().size(), "a reload that still names the list keeps it");
            net.fw().loadRules(4, naming("kt4"));
            net.fw().loadRules(4, naming("kr4"));
            kr4.add(Source.parse("198.18.0.77"));
            assertEquals(List.of("198.18.0.77"), kr4.entries().stream().map(e -> e.source().toString()).toList(),
                    "the first command after a reload reached the new list");
            net.fw().loadRules(4, naming("kt4"));
            MissingListException gone = org.junit.jupiter.api.Assertions.assertThrows(MissingListException.class,
                    () -> kr4.add(Source.parse("198.18.0.78")));
            assertTrue(gone.getMessage().contains("is missing"), gone.getMessage());
        } finally {
            net.fw().loadRules(4, naming("kt4"));
        }
    }
}
