package knock.server;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import knock.net.TestNetns;
import knock.server.config.ServerConfig;
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

    /**
     * Sends {@code count} SYNs back to back from {@code from} to {@code address} on each of {@code ports} (one
     * socket each, all started before any is polled), then waits {@link #PROBE} for answers; returns what each
     * ran into, port by port. One SYN proves little: the recipe's connlimit answered only the second of two
     * SYNs in a row.
     */
    protected static List<Reach> burst(Host from, String address, int count, int... ports) {
        InetAddress remote = InetAddress.ofLiteral(address);
        int[] fds = from.call(() -> {
            int[] started = new int[count * ports.length];
            int n = 0;
            try {
                for (int port : ports) {
                    for (int i = 0; i < count; i++) {
                        started[n++] = TestNetns.startConnect(remote, port);
                    }
                }
                return started;
            } catch (RuntimeException e) {
                for (int i = 0; i < n; i++) {
                    TestNetns.close(started[i]);
                }
                throw e;
            }
        });
        List<Reach> reaches = new ArrayList<>(fds.length);
        long deadline = System.nanoTime() + PROBE.toNanos();
        try {
            for (int fd : fds) {
                int revents = TestNetns.pollOut(fd, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                if (revents == 0) {
                    reaches.add(Reach.HIDDEN);
                } else if ((revents & (TestNetns.POLLERR | TestNetns.POLLHUP)) != 0 || TestNetns.socketError(fd) != 0) {
                    reaches.add(Reach.REJECTED);
                } else {
                    reaches.add(Reach.OPEN);
                }
            }
        } finally {
            for (int fd : fds) {
                TestNetns.close(fd);
            }
        }
        return reaches;
    }

    /**
     * What answered {@code count} back-to-back SYNs to each port (RST, SYN-ACK, ICMP error): one line per port
     * that answered anything, none when all stayed silent.
     */
    protected static List<String> burstAnswers(Host from, String address, int count, int... ports) {
        List<Reach> reaches = burst(from, address, count, ports);
        List<String> answered = new ArrayList<>();
        for (int p = 0; p < ports.length; p++) {
            List<Reach> port = reaches.subList(p * count, (p + 1) * count);
            if (!port.stream().allMatch(r -> r == Reach.HIDDEN)) {
                answered.add(count + " SYNs in a row from " + from.role() + " to " + address + " port " + ports[p]
                        + ": " + port);
            }
        }
        return answered;
    }

    protected boolean listed(String list, String address) {
        return fw.readList(list).contains(address);
    }
}
