package knock.testnet;

import static knock.testnet.TestNetwork.CLIENT4;
import static knock.testnet.TestNetwork.CLIENT6;
import static knock.testnet.TestNetwork.KNOCK4;
import static knock.testnet.TestNetwork.KNOCK6;
import static knock.testnet.TestNetwork.SSH4;
import static knock.testnet.TestNetwork.SSH6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proves the fixture: addresses, probes, rules, knocks onto xt_recent lists, teardown, isolation. */
@NetnsTest
class TestNetworkTest {
    private static final Duration QUICK = Duration.ofMillis(300);
    private static final Duration ANSWER = Duration.ofSeconds(2);
    private static TestNetwork net;

    @BeforeAll
    static void build() {
        net = TestNetwork.create();
        net.fw().listen(SSH4, 22);
        net.fw().listen(SSH6, 22);
    }

    @AfterAll
    static void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    @BeforeEach
    void openFirewall() {
        net.fw().clearRules();
    }

    private static String filter(String... rules) {
        return "*filter\n" + String.join("\n", rules) + "\nCOMMIT\n";
    }

    private static String ssh(int family) {
        return family == 4 ? SSH4 : SSH6;
    }

    private static String knock(int family) {
        return family == 4 ? KNOCK4 : KNOCK6;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aListenerOnFwIsOpenFromTheClient(int family) {
        assertEquals(Reach.OPEN, net.client().tcp(ssh(family), 22, ANSWER), "fw port 22 not open from client");
        assertEquals(Reach.OPEN, net.scanner().tcp(ssh(family), 22, ANSWER), "fw port 22 not open from scanner");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aClosedPortIsRejected(int family) {
        assertEquals(Reach.REJECTED, net.client().tcp(knock(family), 22, ANSWER), "nothing listens on the knock address");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aDropRuleHidesThePort(int family) {
        net.fw().loadRules(family, filter("-A INPUT -p tcp --dport 22 -j DROP"));
        assertEquals(Reach.HIDDEN, net.client().tcp(ssh(family), 22, QUICK), "port 22 answered despite DROP");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aRejectRuleAnswersAtOnce(int family) {
        net.fw().loadRules(family, filter("-A INPUT -p tcp --dport 22 -j REJECT"));
        long start = System.nanoTime();
        assertEquals(Reach.REJECTED, net.client().tcp(ssh(family), 22, ANSWER), "port 22 not rejected");
        assertTrue(System.nanoTime() - start < ANSWER.toNanos() / 2, "REJECT took as long as a timeout");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void anEstablishedConnectionOutlivesTheRuleThatAdmittedIt(int family) throws IOException {
        byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
        // Conntrack starts in a namespace with the first rule that needs it; a connection it did not see
        // open is NEW mid-stream, never ESTABLISHED. So the state rule comes first, as on a real firewall.
        net.fw().loadRules(family, filter(
                "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT",
                "-A INPUT -p tcp --dport 22 -j ACCEPT"));
        try (Connection connection = net.client().connect(ssh(family), 22, ANSWER)) {
            assertArrayEquals(hello, connection.roundTrip(hello), "echo before the rules");
            net.fw().loadRules(family, filter(
                    "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT",
                    "-A INPUT -p tcp --dport 22 -j DROP"));
            assertArrayEquals(hello, connection.roundTrip(hello), "established connection cut by the DROP rule");
            assertEquals(Reach.HIDDEN, net.client().tcp(ssh(family), 22, QUICK), "a new connection got through");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aUdpKnockPutsTheClientOnTheList(int family) {
        net.fw().loadRules(family, filter("-A INPUT -p udp --dport 7000 -m recent --set --name ku --rsource"));
        net.client().knockUdp(knock(family), 7000);
        assertOnList("ku", net.client().address(family));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aTcpSynKnockToADroppedPortPutsTheClientOnTheList(int family) {
        net.fw().loadRules(family, filter(
                "-A INPUT -p tcp --syn --dport 7001 -m recent --set --name kt --rsource",
                "-A INPUT -p tcp --dport 7001 -j DROP"));
        long start = System.nanoTime();
        net.client().knockTcpSyn(knock(family), 7001);
        assertTrue(System.nanoTime() - start < ANSWER.toNanos() / 2, "the SYN knock waited for an answer");
        assertOnList("kt", net.client().address(family));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void anIcmpKnockOfTheRightLengthPutsTheClientOnTheList(int family) {
        int payload = 100;
        // -m length counts the whole IP packet: 20 + 8 + data for IPv4, 40 + 8 + data for IPv6.
        String rule = family == 4
                ? "-A INPUT -p icmp --icmp-type echo-request -m length --length " + (28 + payload)
                        + " -m recent --set --name ki --rsource"
                : "-A INPUT -p ipv6-icmp --icmpv6-type echo-request -m length --length " + (48 + payload)
                        + " -m recent --set --name ki --rsource";
        net.fw().loadRules(family, filter(rule));
        net.scanner().knockIcmp(knock(family), payload - 1);
        net.client().knockIcmp(knock(family), payload);
        assertOnList("ki", net.client().address(family));
        assertEquals(List.of(net.client().address(family)), net.fw().readList("ki"),
                "an echo request one byte short also matched");
    }

    @Test
    void writeFileAndReadListSpeakXtRecent() {
        net.fw().loadRules(6, filter("-A INPUT -p udp --dport 7000 -m recent --set --name w6"));
        Path list = Path.of("/proc/net/xt_recent/w6");
        net.fw().writeFile(list, "+" + CLIENT6);
        net.fw().writeFile(list, "+::ffff:198.18.0.2");
        assertTrue(net.fw().readFile(list).contains("src=fd6b:6e6f:636b:0000:0000:0000:0000:0002"),
                "the kernel no longer prints IPv6 uncompressed: " + net.fw().readFile(list));
        assertEquals(List.of("::ffff:c612:2", CLIENT6), net.fw().readList("w6").stream().sorted().toList(),
                "list entries not in RFC 5952 form, or the v4-mapped one turned into IPv4");
        net.fw().writeFile(list, "/");
        assertEquals(List.of(), net.fw().readList("w6"), "flush left entries");
    }

    @Test
    void procNetIsTheHostsFromAnyThread() throws IOException {
        net.fw().loadRules(4, filter("-A INPUT -p udp --dport 7000 -m recent --set --name pn4"));
        Path list = net.fw().procNet().resolve("xt_recent/pn4");
        Files.writeString(list, "+" + CLIENT4);
        assertEquals(List.of(CLIENT4), net.fw().readList("pn4"), "written from the test thread through procNet()");
        assertFalse(Files.exists(Path.of("/proc/net/xt_recent/pn4")), "the JVM's own namespace has the list too");
    }

    @Test
    void aMissingListIsExplained() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.fw().readList("nosuch"));
        assertTrue(e.getMessage().contains("only while a loaded rule names it"), e.getMessage());
    }

    @Test
    void aBadRulesetFailsWithTheToolsWordsAndTheLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> net.fw().loadRules(4, filter("-A INPUT -p tcp --dport 22 -j NOSUCHTARGET")));
        assertTrue(e.getMessage().contains("iptables-restore") && e.getMessage().contains("NOSUCHTARGET"),
                e.getMessage());
    }

    @Test
    void execRunsInsideTheHost() {
        ExecResult result = net.fw().exec("ip", "-o", "addr", "show", "dev", "eth0");
        assertEquals(0, result.exitCode(), result.stderr());
        for (String address : List.of(KNOCK4, SSH4, KNOCK6, SSH6)) {
            assertTrue(result.stdout().contains(" " + address + "/"), "fw lacks " + address + ":\n" + result.stdout());
        }
        assertEquals(3, net.client().exec("sh", "-c", "echo out; echo err >&2; exit 3").exitCode());
    }

    @Test
    void teardownLeavesNoNamespaceAndNoProcessBehind() {
        TestNetwork other = TestNetwork.create();
        HostProcess sleeper = other.scanner().start("sleep", "30");
        other.client().listen(CLIENT4, 2222);
        List<String> names = other.namespaces();
        names.forEach(n -> assertTrue(Files.exists(Path.of("/var/run/netns", n)), n + " not created"));
        other.close();
        assertFalse(sleeper.isAlive(), "process started in the scanner outlived the teardown");
        names.forEach(n -> assertFalse(Files.exists(Path.of("/var/run/netns", n)), n + " left behind"));
        other.close();
    }

    @Test
    void twoNetworksAtOnceDoNotCollide() {
        try (TestNetwork other = TestNetwork.create()) {
            assertTrue(other.namespaces().stream().noneMatch(net.namespaces()::contains),
                    "namespace names shared: " + other.namespaces());
            other.fw().listen(SSH4, 22);
            other.fw().loadRules(4, filter("-A INPUT -p tcp --dport 22 -j DROP"));
            assertEquals(Reach.HIDDEN, other.client().tcp(SSH4, 22, QUICK), "other fw's DROP not in force");
            assertEquals(Reach.OPEN, net.client().tcp(SSH4, 22, ANSWER), "other fw's DROP leaked into this one");
        }
    }

    @Test
    void staleNamespacesOfAGoneRunAreRemoved() {
        // pid_max is at most 2^22 (PID_MAX_LIMIT): no process above it can be alive.
        long gone = (1L << 22) + ProcessHandle.current().pid();
        String stale = "kn" + gone + "x0-fw";
        List<String> add = List.of(Requirements.tools().ip(), "netns", "add", stale);
        Commands.run(add, add, new byte[0], ANSWER).orThrow();
        try (TestNetwork other = TestNetwork.create()) {
            assertFalse(Files.exists(Path.of("/var/run/netns", stale)), stale + " survived the next create()");
            assertNotEquals(stale, other.fw().name());
        }
    }

    private static void assertOnList(String list, String address) {
        assertTrue(TestNetwork.eventually(ANSWER, () -> net.fw().readList(list).contains(address)),
                address + " not on list " + list + " after the knock: " + net.fw().readList(list));
    }
}
