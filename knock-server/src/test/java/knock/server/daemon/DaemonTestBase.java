package knock.server.daemon;

import static knock.testnet.TestNetwork.eventually;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import knock.net.TestNetns;
import knock.server.GuardedPortTest;
import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.testnet.Host;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon's namespace tests share: fw, client and scanner with a listener on fw's SSH addresses, the
 * daemon-mode ruleset, the real daemon in fw (log level debug), knocks and probes.
 *
 * <p>Pitfall: a probe that finds the port hidden proves nothing by itself, since a daemon that never saw the
 * knock hides it too. Before asserting that something stays hidden, wait for the daemon's verdict on the
 * packet that should not have opened it: {@link DaemonUnderTest#awaitVerdict}.
 */
abstract class DaemonTestBase extends GuardedPortTest {

    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_IPV6 = 0x86dd;

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
        return daemon("", sequences);
    }

    /** As {@link #daemon(String)}, with lines for the [server] section. */
    DaemonUnderTest daemon(String server, String sequences) {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, server, sequences);
        loadRules(daemon);
        current = daemon;
        return daemon.start();
    }

    void loadRules(DaemonUnderTest daemon) {
        loadRules(ServerConfigReader.read(daemon.config), Mode.DAEMON);
    }

    /** fw's MAC, for frames put on the wire by hand. */
    byte[] fwMac() {
        String mac = fw.exec("cat", "/sys/class/net/eth0/address").orThrow().stdout().strip();
        return HexFormat.ofDelimiter(":").parseHex(mac);
    }

    /** Puts crafted IPv4 and IPv6 packets on {@code from}'s eth0, to {@code mac}, bypassing its IP stack. */
    static void sendFrames(Host from, byte[] mac, List<byte[]> v4, List<byte[]> v6) {
        from.call(() -> {
            TestNetns.sendFrames("eth0", ETH_P_IP, mac, v4);
            TestNetns.sendFrames("eth0", ETH_P_IPV6, mac, v6);
            return null;
        });
    }

    void assertLeaves(String address, String why) {
        assertTrue(eventually(SETTLE, () -> !listed("ssh4", address)), address + " still on ssh4 " + why + "\n"
                + context());
    }
}
