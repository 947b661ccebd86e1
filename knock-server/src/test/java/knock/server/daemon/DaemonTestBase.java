package knock.server.daemon;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;

import knock.config.ServerConfig;
import knock.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.Host;
import knock.testnet.Reach;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon's namespace tests share: fw, client and scanner with a listener on fw's SSH addresses, the
 * daemon-mode ruleset, the real daemon in fw, knocks and probes.
 */
abstract class DaemonTestBase {

    static final Duration PROBE = Duration.ofMillis(400);
    static final Duration SETTLE = Duration.ofSeconds(3);

    static String sequence(String extra) {
        return """
                [sequence ssh]
                steps = 7000/tcp 8000/udp icmp/64
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                step-timeout = 2s
                max-connections = 0
                """ + extra;
    }

    @TempDir
    Path dir;

    TestNetwork net;
    Host fw;
    Host client;
    Host scanner;

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

    DaemonUnderTest daemon(String sequences) {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequences);
        loadRules(daemon);
        return daemon.start();
    }

    void loadRules(DaemonUnderTest daemon) {
        ServerConfig config = ServerConfigReader.read(daemon.config);
        fw.loadRules(4, Ruleset.render(config, 4, Mode.DAEMON));
        fw.loadRules(6, Ruleset.render(config, 6, Mode.DAEMON));
    }

    Reach ssh(Host from, int family) {
        return from.tcp(family == 4 ? SSH4 : SSH6, 22, PROBE);
    }

    void knock(Host from, int family) {
        String knock = family == 4 ? KNOCK4 : KNOCK6;
        from.knockTcpSyn(knock, 7000);
        from.knockUdp(knock, 8000);
        from.knockIcmp(knock, 64);
    }

    void assertOpens(Host host, int family, DaemonUnderTest daemon, String why) {
        assertTrue(eventually(SETTLE, () -> ssh(host, family) == Reach.OPEN), "port 22 not open for " + host.role()
                + " over IPv" + family + " " + why + "\n" + daemon.output());
    }

    void assertHidden(Host host, int family, DaemonUnderTest daemon, String why) {
        assertEquals(Reach.HIDDEN, ssh(host, family), "port 22 not hidden from " + host.role() + " over IPv" + family
                + " " + why + "\n" + daemon.output());
    }

    /** The daemon acts a few microseconds after the packet: wait for the list, then probe. */
    void assertLeaves(String address, DaemonUnderTest daemon, String why) {
        assertTrue(eventually(SETTLE, () -> !listed("ssh4", address)), address + " still on ssh4 " + why + "\n"
                + daemon.output());
    }

    boolean listed(String list, String address) {
        return fw.readList(list).contains(address);
    }
}
