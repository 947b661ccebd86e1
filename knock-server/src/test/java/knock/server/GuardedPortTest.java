package knock.server;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;

import knock.config.ServerConfig;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.Host;
import knock.testnet.Reach;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the namespace tests of a guarded port share: a fresh fw, client and scanner per test with a real
 * listener on fw's SSH addresses, port 22; the ruleset loaded for both families; the three-step knock
 * (7000/tcp, 8000/udp, icmp/64) and probes whose failures say who saw what.
 */
public abstract class GuardedPortTest {

    /** A dropped SYN: long enough that a local answer always comes first, short enough to keep tests fast. */
    protected static final Duration PROBE = Duration.ofMillis(400);
    /** How long a knock may take to show. */
    protected static final Duration SETTLE = Duration.ofSeconds(3);

    protected TestNetwork net;
    protected Host fw;
    protected Host client;
    protected Host scanner;

    @BeforeEach
    void network() {
        net = TestNetwork.create();
        fw = net.fw();
        client = net.client();
        scanner = net.scanner();
        fw.listen(SSH4, 22);
        fw.listen(SSH6, 22);
    }

    @AfterEach
    void teardown() {
        net.close();
    }

    /** What a failed assertion should show besides its message, e.g. the daemon's log. */
    protected String context() {
        return "";
    }

    protected void loadRules(ServerConfig config, Mode mode) {
        fw.loadRules(4, Ruleset.render(config, 4, mode));
        fw.loadRules(6, Ruleset.render(config, 6, mode));
    }

    protected Reach ssh(Host from, int family) {
        return from.tcp(family == 4 ? SSH4 : SSH6, 22, PROBE);
    }

    /** The three steps, the middle one to {@code middlePort} (8000 is right). */
    protected void knock(Host from, int family, int middlePort) {
        String knock = family == 4 ? KNOCK4 : KNOCK6;
        from.knockTcpSyn(knock, 7000);
        from.knockUdp(knock, middlePort);
        from.knockIcmp(knock, 64);
    }

    protected void knock(Host from, int family) {
        knock(from, family, 8000);
    }

    protected void assertOpens(Host host, int family, String why) {
        assertTrue(eventually(SETTLE, () -> ssh(host, family) == Reach.OPEN), "port 22 not open for " + host.role()
                + " over IPv" + family + " " + why + "\n" + context());
    }

    protected void assertHidden(Host host, int family, String why) {
        assertEquals(Reach.HIDDEN, ssh(host, family), "port 22 not hidden from " + host.role() + " over IPv" + family
                + " " + why + "\n" + context());
    }

    protected boolean listed(String list, String address) {
        return fw.readList(list).contains(address);
    }
}
