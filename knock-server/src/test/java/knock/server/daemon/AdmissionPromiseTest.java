package knock.server.daemon;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import knock.testnet.Connection;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon's promises about admissions, against the real daemon, ruleset and kernel lists in fw: every
 * admission ends on time whatever else its packet did, a retransmitted SYN never costs an admission, a flood of
 * completions never pushes an admitted source off a full kernel list, status never claims an entry the kernel
 * list lacks, a used admission may be renewed (ssh, then scp), and a failed reload leaks nothing and says so.
 */
@NetnsTest
class AdmissionPromiseTest extends DaemonTestBase {

    private static String knockAddress(int family) {
        return family == 4 ? KNOCK4 : KNOCK6;
    }

    private static String clientAddress(int family) {
        return family == 4 ? CLIENT4 : CLIENT6;
    }

    private static String list(int family) {
        return family == 4 ? "ssh4" : "ssh6";
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void anAdmissionEndsOnTimeWhenItsPacketIsAlsoAScanForAnotherSequence(int family) {
        // 7000/udp completes "a" and, as a neighbour of 7001/udp, is a scan for "b": one packet, two outcomes.
        daemon("""
                [sequence a]
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                window = 3s
                hold-off = 0
                max-connections = 0
                [sequence b]
                steps = 7001/udp 9000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-port = 2222
                list4 = b4
                list6 = b6
                """);
        client.knockUdp(knockAddress(family), 7000);
        assertTrue(eventually(SETTLE, () -> listed(list(family), clientAddress(family))),
                "not admitted by the one-step sequence\n" + context());
        assertTrue(current.logs("outcome=scan", SETTLE), "the packet was not also judged a scan\n" + context());
        assertTrue(eventually(Duration.ofSeconds(5), () -> !listed(list(family), clientAddress(family))),
                "a 3 s admission still on " + list(family) + " 5 s later\n" + context());
        assertEquals(Reach.HIDDEN, ssh(client, family), "port 22 answers after the window\n" + context());
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void theKernelsRetransmitsOfTheLastSynNeverCostTheAdmission(int family) {
        daemon("""
                [sequence ssh]
                steps = 8000/udp 7000/tcp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                max-connections = 0
                """);
        client.knockUdp(knockAddress(family), 8000);
        // A third-party client: a real connect to the dropped knock port, left pending; the kernel resends
        // its SYN 1 s and 3 s later, past the 2 s duplicate grace.
        assertEquals(Reach.HIDDEN, client.tcp(knockAddress(family), 7000, Duration.ofMillis(3600)),
                "the knock port answered");
        assertTrue(current.logs("outcome=admitted", SETTLE), "the last SYN did not admit\n" + context());
        assertTrue(eventually(SETTLE, () -> current.output().lines()
                        .filter(l -> l.contains("7000/tcp outcome=duplicate")).count() >= 2),
                "the two retransmits were not judged\n" + context());
        assertTrue(listed(list(family), clientAddress(family)), "a retransmit took the admission away\n" + context());
        assertEquals(Reach.OPEN, ssh(client, family), "port 22 hidden after the retransmits\n" + context());
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aFloodOfSpoofedCompletionsNeverPushesTheAdmittedClientOffAFullList(int family) throws Exception {
        daemon("""
                [sequence ssh]
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                hold-off = 0
                scan-adjacent = 0
                max-connections = 0
                """);
        int listTotal = Integer.parseInt(Files.readString(Path.of("/sys/module/xt_recent/parameters/ip_list_tot"))
                .strip());
        client.knockUdp(knockAddress(family), 7000);
        assertTrue(eventually(SETTLE, () -> listed(list(family), clientAddress(family))), "not admitted\n" + context());
        // One more completion than the kernel list keeps, each from its own spoofed source in the test prefix.
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        for (int i = 0; i < listTotal + 20; i++) {
            if (family == 4) {
                v4.add(ipv4("198.18.0." + (20 + i % 200), KNOCK4, UDP, udp(7000, 4)));
            } else {
                v6.add(ipv6("fd6b:6e6f:636b::" + Integer.toHexString(0x1000 + i), KNOCK6, UDP, udp(7000, 4)));
            }
        }
        if (family == 4 && listTotal + 20 > 200) {
            fail("ip_list_tot " + listTotal + " needs more spoofed sources than 198.18.0.20-219 has");
        }
        sendFrames(scanner, fwMac(), v4, v6);
        assertTrue(current.logs("<4>refuse ", SETTLE), "no completion was refused on a full list\n" + context());
        assertTrue(listed(list(family), clientAddress(family)), "the flood pushed the client off "
                + list(family) + "\n" + context());
        assertEquals(Reach.OPEN, ssh(client, family), "port 22 hidden from the admitted client\n" + context());
        String status = current.status().orThrow().stdout();
        List<String> kernel = fw.readList(list(family));
        assertTrue(kernel.size() <= listTotal, "kernel list over its size: " + kernel.size());
        List<String> claimed = status.lines().filter(l -> l.contains("sequence=ssh"))
                .map(l -> l.strip().split("\\s+")[0]).toList();
        assertEquals(kernel.size(), claimed.size(), "status and the kernel list disagree on how many\n" + status);
        for (String entry : claimed) {
            assertTrue(listed(list(family), entry), "status claims " + entry + ", the kernel list lacks it");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void statusNeverClaimsAnEntryTheKernelListLost(int family) {
        daemon(sequence(""));
        knock(client, family);
        assertTrue(eventually(SETTLE, () -> listed(list(family), clientAddress(family))), "not admitted\n" + context());
        fw.writeFile(fw.procNet().resolve("xt_recent").resolve(list(family)), "/");
        String status = current.status().orThrow().stdout();
        assertFalse(status.contains("sequence=ssh"), "status claims an entry the kernel list lost:\n" + status);
        assertTrue(status.contains("lost=1"), "the loss is not counted:\n" + status);
        assertTrue(current.logs("<4>lost src=", SETTLE), "the loss was not logged\n" + context());
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void sshThenScpThenSshAgainWithinTheHoldOffAllGetIn(int family) throws IOException {
        daemon(sequence("hold-off = 5m\n"));
        for (String use : List.of("ssh", "scp", "ssh again")) {
            knock(client, family);
            assertTrue(current.logsAfterMark("outcome=admitted", SETTLE), use + ": knock not judged\n" + context());
            try (Connection session = client.connect(family == 4 ? SSH4 : SSH6, 22, SETTLE)) {
                assertTrue(session.isOpen(), use + ": no connection");
            }
            assertTrue(current.logsAfterMark("outcome=connected", SETTLE), use + ": the connection was not seen\n"
                    + context());
            current.mark();
        }
        // A scanner repeats a knock: it never connects in between.
        knock(scanner, family);
        knock(scanner, family);
        assertTrue(current.logsAfterMark("outcome=scan", SETTLE), "the repeat was not judged\n" + context());
        assertEquals(Reach.HIDDEN, ssh(scanner, family), "a repeated knock without a connection kept the port open");
    }

    @org.junit.jupiter.api.Test
    void aFailedReloadLeaksNothingAndSaysSo() throws IOException {
        DaemonUnderTest daemon = daemon(sequence(""));
        long before = openFiles(daemon.pid());
        String steps = Stream.iterate(10000, p -> p + 2).limit(130).map(p -> p + "/udp")
                .reduce((a, b) -> a + " " + b).orElseThrow();
        for (String broken : List.of(sequence("").replace("steps = 7000/tcp 8000/udp icmp/64", "steps = " + steps),
                sequence("list4 = nosuchlist\n"), "[sequence ssh\n")) {
            daemon.writeConfig(broken);
            daemon.mark();
            daemon.signal("HUP");
            assertTrue(daemon.logsAfterMark("<3>reload failed", SETTLE), "a failed reload said nothing\n" + daemon.output());
        }
        assertTrue(daemon.isAlive(), "the daemon died of a bad reload\n" + daemon.output());
        assertEquals(before, openFiles(daemon.pid()), "descriptors leaked by three failed reloads");
        knock(client, 4);
        assertOpens(client, 4, "after the failed reloads the running config still works");
    }

    private static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }
}
