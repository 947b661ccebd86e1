package knock.client.cli;

import static knock.testnet.TestNetwork.KNOCK4;
import static knock.testnet.TestNetwork.KNOCK6;
import static knock.testnet.TestNetwork.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import knock.testnet.ExecResult;
import knock.testnet.Host;
import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every branch of an ICMP step on every machine: {@code knock} as its own JVM in the client namespace, whose
 * {@code net.ipv4.ping_group_range} (per namespace; it governs ICMPv6 ping sockets too) the test sets, with or
 * without CAP_NET_RAW ({@code setpriv} drops it from the bounding and inheritable sets, so root's exec does
 * not regain it). The echo requests are counted where they land, in fw's ICMP counters.
 * <pre>
 *   client (ping_group_range, CAP_NET_RAW or not)  eth0 --- br0 --- eth0  fw (counts echo requests)
 * </pre>
 */
@NetnsTest
class IcmpKnockNetnsTest {

    private static final String ALLOW_ROOT_GROUP = "0 0";
    /** The kernel's default in a new namespace: no group may open a ping socket. */
    private static final String DENY_ALL = "1 0";
    private static final String[] WITHOUT_NET_RAW = {"setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw"};
    private static final Duration ARRIVE = Duration.ofSeconds(3);

    private static TestNetwork net;
    private static Host fw;
    private static Host client;

    @BeforeAll
    static void network() {
        net = TestNetwork.create();
        fw = net.fw();
        client = net.client();
    }

    @AfterAll
    static void cleanup() {
        if (net != null) {
            net.close();
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void withoutCapNetRawAPingSocketCarriesTheKnockWhereTheGroupMayPing(int family) {
        pingGroupRange(ALLOW_ROOT_GROUP);
        long before = echoes(family);
        ExecResult r = knock(family, WITHOUT_NET_RAW);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("knock: sent icmp/64 to " + knockAddress(family) + " (ping socket)\n", r.stderr());
        assertArrives(family, before + 1);
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void withCapNetRawARawSocketCarriesTheKnockWhereNoGroupMayPing(int family) {
        pingGroupRange(DENY_ALL);
        long before = echoes(family);
        ExecResult r = knock(family);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("knock: sent icmp/64 to " + knockAddress(family) + " (raw socket)\n", r.stderr());
        assertArrives(family, before + 1);
    }

    @Test
    void withNeitherTheKnockNamesTheMissingPrivilegeExitsThreeAndSendsNothing() {
        pingGroupRange(DENY_ALL);
        long before = echoes(6);
        ExecResult denied = knock(6, WITHOUT_NET_RAW);
        assertEquals(3, denied.exitCode(), denied.stderr());
        assertEquals("knock: icmp step: no ICMP socket allowed (ping socket: EACCES, raw socket: EPERM): needs"
                + " CAP_NET_RAW, or the user's group in net.ipv4.ping_group_range (now '1 0')\n", denied.stderr());
        // A knock that may send comes next: fw counting exactly one proves the refused one sent nothing.
        pingGroupRange(ALLOW_ROOT_GROUP);
        assertEquals(0, knock(6, WITHOUT_NET_RAW).exitCode());
        assertArrives(6, before + 1);
    }

    private static void pingGroupRange(String range) {
        client.exec("sysctl", "-q", "-w", "net.ipv4.ping_group_range=" + range).orThrow();
    }

    /** {@code knock -v ADDRESS icmp/64} in the client namespace, after {@code prefix} (e.g. setpriv). */
    private static ExecResult knock(int family, String... prefix) {
        List<String> command = new ArrayList<>(List.of(prefix));
        command.addAll(KnockProcess.command(List.of(), "-F", "/dev/null", "-v", knockAddress(family), "icmp/64"));
        return client.exec(Duration.ofSeconds(30), command.toArray(String[]::new));
    }

    private static String knockAddress(int family) {
        return family == 4 ? KNOCK4 : KNOCK6;
    }

    private static void assertArrives(int family, long expected) {
        eventually(ARRIVE, () -> echoes(family) >= expected);
        assertEquals(expected, echoes(family), "echo requests fw received over IPv" + family);
    }

    /** fw's count of echo requests received: {@code InEchos} of /proc/net/snmp, {@code Icmp6InEchos} of snmp6. */
    private static long echoes(int family) {
        if (family == 6) {
            for (String line : fw.readFile(Path.of("/proc/net/snmp6")).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("Icmp6InEchos")) {
                    return Long.parseLong(f[1]);
                }
            }
            throw new AssertionError("no Icmp6InEchos in fw's /proc/net/snmp6");
        }
        // "Icmp: InMsgs InErrors ... InEchos ..." then "Icmp: 3 0 ... 1 ...": the value under the name
        List<String[]> icmp = new ArrayList<>();
        for (String line : fw.readFile(Path.of("/proc/net/snmp")).split("\n")) {
            if (line.startsWith("Icmp: ")) {
                icmp.add(line.split("\\s+"));
            }
        }
        assertTrue(icmp.size() >= 2, "no Icmp lines in fw's /proc/net/snmp");
        return Long.parseLong(icmp.get(1)[List.of(icmp.get(0)).indexOf("InEchos")]);
    }
}
