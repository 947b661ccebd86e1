package knock.server.daemon;

import static knock.testnet.TestNetwork.eventually;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import knock.config.ServerConfigReader;
import knock.server.GuardedPortTest;
import knock.server.rules.Mode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon's namespace tests share: fw, client and scanner with a listener on fw's SSH addresses, the
 * daemon-mode ruleset, the real daemon in fw, knocks and probes.
 */
abstract class DaemonTestBase extends GuardedPortTest {

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

    /** The daemon of the running test, whose log a failed assertion shows. */
    DaemonUnderTest current;

    @Override
    protected String context() {
        return current == null ? "" : current.output();
    }

    DaemonUnderTest daemon(String sequences) {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequences);
        loadRules(daemon);
        current = daemon;
        return daemon.start();
    }

    void loadRules(DaemonUnderTest daemon) {
        loadRules(ServerConfigReader.read(daemon.config), Mode.DAEMON);
    }

    /** The daemon acts a few microseconds after the packet: wait for the list, then probe. */
    void assertLeaves(String address, String why) {
        assertTrue(eventually(SETTLE, () -> !listed("ssh4", address)), address + " still on ssh4 " + why + "\n"
                + context());
    }
}
