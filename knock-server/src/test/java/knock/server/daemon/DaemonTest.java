package knock.server.daemon;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import knock.testnet.Connection;
import knock.testnet.ExecResult;
import knock.testnet.HostProcess;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import knock.server.track.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The real daemon in fw, with the daemon-mode ruleset (policy DROP: the knock ports stay dropped), a real
 * listener on fw's SSH addresses, and knocks from client and scanner: what issue "knock-server: the daemon"
 * asks, end to end.
 */
@NetnsTest
class DaemonTest extends DaemonTestBase {

    @Test
    void threeStepsOverIpv4OpenPort22ForTheClientOnly() {
        DaemonUnderTest daemon = daemon(sequence(""));
        assertHidden(client, 4, "before the knock");
        knock(client, 4);
        assertOpens(client, 4, "after TCP SYN, UDP, ICMP");
        assertHidden(scanner, 4, "who did not knock");
        assertTrue(listed("ssh4", CLIENT4), "client not on ssh4: " + fw.readList("ssh4"));
        assertTrue(daemon.output().contains("<6>open src=198.18.0.2 sequence=ssh list=ssh4"), daemon.output());
    }

    @Test
    void threeStepsOverIpv6OpenPort22ForTheClientOnly() {
        DaemonUnderTest daemon = daemon(sequence(""));
        assertHidden(client, 6, "before the knock");
        knock(client, 6);
        assertOpens(client, 6, "after TCP SYN, UDP, ICMPv6");
        assertHidden(scanner, 6, "who did not knock");
        assertHidden(client, 4, "an IPv6 knock must not open IPv4");
        assertTrue(listed("ssh6", CLIENT6), "client not on ssh6: " + fw.readList("ssh6"));
    }

    @Test
    void aWrongStepInTheMiddleKeepsItHiddenAFreshSequenceOpens() {
        DaemonUnderTest daemon = daemon(sequence(""));
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockUdp(KNOCK4, 8001);
        client.knockUdp(KNOCK4, 8000);
        client.knockIcmp(KNOCK4, 64);
        daemon.awaitVerdict(CLIENT4, "7000/tcp", Outcome.ADVANCED);
        daemon.awaitVerdict(CLIENT4, "8001/udp", Outcome.SCAN);
        daemon.awaitVerdict(CLIENT4, "8000/udp", Outcome.IGNORED);
        daemon.awaitVerdict(CLIENT4, "icmp/64", Outcome.IGNORED);
        assertHidden(client, 4, "after a wrong port in the middle");
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockUdp(KNOCK4, 8000);
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockIcmp(KNOCK4, 64);
        daemon.awaitVerdict(CLIENT4, "7000/tcp", Outcome.ADVANCED);
        daemon.awaitVerdict(CLIENT4, "8000/udp", Outcome.ADVANCED);
        daemon.awaitVerdict(CLIENT4, "7000/tcp", Outcome.ADVANCED);
        daemon.awaitVerdict(CLIENT4, "icmp/64", Outcome.BROKEN);
        assertHidden(client, 4, "after step 1 came again in the middle");
        knock(client, 4);
        assertOpens(client, 4, "after a fresh sequence in order");
    }

    @Test
    void aRetransmittedSynDoesNotBreakTheSequence() {
        DaemonUnderTest daemon = daemon(sequence(""));
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockUdp(KNOCK4, 8000);
        client.knockIcmp(KNOCK4, 64);
        assertOpens(client, 4, "after a step's SYN came twice");
    }

    @Test
    void aStepAfterItsDeadlineKeepsItHidden() throws InterruptedException {
        DaemonUnderTest daemon = daemon(sequence("").replace("step-timeout = 2s", "step-timeout = 1s"));
        client.knockTcpSyn(KNOCK4, 7000);
        client.knockUdp(KNOCK4, 8000);
        daemon.awaitVerdict(CLIENT4, "8000/udp", Outcome.ADVANCED);
        Thread.sleep(1300);
        client.knockIcmp(KNOCK4, 64);
        daemon.awaitVerdict(CLIENT4, "icmp/64", Outcome.BROKEN);
        assertHidden(client, 4, "after the last step came too late");
        assertFalse(listed("ssh4", CLIENT4), "a late step must not list the client");
    }

    @Test
    void theWindowEndsNewConnectionsButNotEstablishedOnes() throws IOException {
        DaemonUnderTest daemon = daemon(sequence("window = 2s\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        try (Connection established = client.connect(SSH4, 22, PROBE)) {
            assertTrue(daemon.logs("<6>expire src=198.18.0.2 sequence=ssh list=ssh4", Duration.ofSeconds(5)),
                    "no expiry logged:\n" + daemon.output());
            assertNotEquals(Reach.OPEN, ssh(client, 4), "a new connection after the window must not open");
            assertFalse(listed("ssh4", CLIENT4), "the list still holds the client after its window");
            byte[] hello = "still here".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(hello, established.roundTrip(hello), "the established connection stopped working");
        }
    }

    @Test
    void anAdjacentPortHitHidesIt() {
        DaemonUnderTest daemon = daemon(sequence("hold-off = 0\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        client.knockUdp(KNOCK4, 8001);
        assertLeaves(CLIENT4, "after a hit on 8001, next to a knock port");
        assertHidden(client, 4, "after a hit on 8001, next to a knock port");
        assertTrue(daemon.logs("scan src=198.18.0.2 sequence=ssh kind=adjacent action=removed", SETTLE),
                daemon.output());
    }

    @Test
    void aKnockOnTheOtherAddressHidesIt() {
        DaemonUnderTest daemon = daemon(sequence("hold-off = 0\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        client.knockTcpSyn(SSH4, 7000);
        assertLeaves(CLIENT4, "after the knock port was hit on fw's other address");
        assertHidden(client, 4, "after the knock port was hit on fw's other address");
    }

    @Test
    void trafficTheBoxOnlyForwardsIsNotTakenForAScan() {
        DaemonUnderTest daemon = daemon(sequence("hold-off = 0\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        // Frames to fw's MAC for an address fw does not have: what a gateway forwards for its LAN.
        String elsewhere = "198.18.0.50";
        sendFrames(client, fwMac(), List.of(
                ipv4(CLIENT4, elsewhere, TCP, tcp(7001, SYN)),
                ipv4(CLIENT4, elsewhere, TCP, tcp(7000, SYN)),
                ipv4(CLIENT4, elsewhere, UDP, udp(8001, 4))), List.of());
        // Not for the box: routed (and dropped, fw does not forward) before INPUT, where the NFLOG rules are.
        scanner.knockIcmp(KNOCK4, 1001); // a marker: once it is judged, so is everything sent before it
        assertTrue(daemon.logs(" icmp/1001 outcome=", SETTLE), daemon.output());
        assertFalse(daemon.output().contains("dst=" + elsewhere), "forwarded packets were judged:\n" + daemon.output());
        assertTrue(listed("ssh4", CLIENT4), "forwarded traffic removed the client:\n" + daemon.output());
        assertEquals(Reach.OPEN, ssh(client, 4), "forwarded traffic hid the port");
        client.knockTcpSyn(KNOCK4, 7001);
        assertLeaves(CLIENT4, "after a hit on 7001 of the box itself");
    }

    @Test
    void aRepeatKnockWithinTheHoldOffHidesIt() {
        DaemonUnderTest daemon = daemon(sequence("hold-off = 5m\n"));
        knock(client, 4);
        // Listed, not probed: a connection to the guarded port ends the hold-off (the guard chain's NFLOG copy).
        assertTrue(eventually(SETTLE, () -> listed("ssh4", CLIENT4)), "not admitted after the first knock");
        knock(client, 4);
        assertTrue(daemon.logs("kind=hold-off", SETTLE), daemon.output());
        assertLeaves(CLIENT4, "after a second knock within the hold-off");
        assertHidden(client, 4, "after a second knock within the hold-off");
    }

    @Test
    void aSourceAdmittedBeforeSigtermStillExpiresAfterTheRestart() {
        DaemonUnderTest daemon = daemon(sequence("window = 3s\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        assertEquals(143, daemon.stop(), "SIGTERM should end the daemon cleanly:\n" + daemon.output());
        assertTrue(daemon.output().contains("<6>stop"), "no stop line:\n" + daemon.output());
        assertTrue(listed("ssh4", CLIENT4), "a restart must not lose the admitted client");
        daemon.start();
        assertTrue(daemon.output().contains("<6>adopt src=198.18.0.2 sequence=ssh list=ssh4"), daemon.output());
        assertTrue(daemon.logs("<6>expire src=198.18.0.2", Duration.ofSeconds(6)), daemon.output());
        assertFalse(listed("ssh4", CLIENT4), "the adopted client was not removed after its window");
    }

    @Test
    void aSourceAdmittedBeforeACrashStillExpiresAfterTheRestart() {
        DaemonUnderTest daemon = daemon(sequence("window = 3s\n"));
        knock(client, 6);
        assertOpens(client, 6, "after the knock");
        daemon.crash();
        assertTrue(listed("ssh6", CLIENT6), "the crash should leave the list as it was");
        daemon.start();
        assertTrue(daemon.logs("<6>expire src=fd6b:6e6f:636b::2", Duration.ofSeconds(6)), daemon.output());
        assertFalse(listed("ssh6", CLIENT6), "the adopted client was not removed after its window");
    }

    @Test
    void statusShowsTheAdmittedClientWithItsTimeLeft() {
        DaemonUnderTest daemon = daemon(sequence("window = 60s\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        ExecResult status = daemon.status();
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().contains("list ssh4: 1 admitted"), status.stdout());
        assertTrue(status.stdout().matches("(?s).*  198\\.18\\.0\\.2  sequence=ssh  left=(5\\d|60)s\n.*"),
                "status should show the client with about 60 s left:\n" + status.stdout());
        assertTrue(status.stdout().contains("admits=1"), status.stdout());
    }

    @Test
    void withoutTheRulesetTheDaemonSaysToLoadItFirst() {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequence(""));
        HostProcess process = daemon.startRaw();
        assertTrue(eventually(Duration.ofSeconds(20), () -> !process.isAlive()), "the daemon kept running");
        assertEquals(1, process.stop(Duration.ofSeconds(1)));
        String output = daemon.output().strip();
        assertEquals("knock-server: the list file /proc/net/xt_recent/ssh4 is missing; load the ruleset first: "
                + "knock-server rules --config " + daemon.config + " | iptables-restore (an IPv6 list: --family 6 | "
                + "ip6tables-restore)", output, "one line naming the fix");
    }

    @Test
    void withoutCapNetAdminTheDaemonNamesIt() {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequence(""));
        loadRules(daemon);
        HostProcess process = daemon.startRaw("setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin");
        assertTrue(eventually(Duration.ofSeconds(20), () -> !process.isAlive()), "the daemon kept running");
        assertEquals(1, process.stop(Duration.ofSeconds(1)));
        assertEquals("knock-server: missing capability CAP_NET_ADMIN (to see knocks on an nflog group and manage the "
                + "xt_recent lists); run as root or with AmbientCapabilities=CAP_NET_ADMIN", daemon.output().strip());
    }

    @Test
    void withoutNettysNativeEpollTheDaemonSaysWhyInOneLine() {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequence(""));
        loadRules(daemon);
        HostProcess process = daemon.startRaw(List.of("-Dio.netty.transport.noNative=true"));
        assertTrue(eventually(Duration.ofSeconds(20), () -> !process.isAlive()), "the daemon kept running");
        assertEquals(1, process.stop(Duration.ofSeconds(1)));
        assertEquals("knock-server: epoll unavailable: Native transport was explicit disabled with "
                + "-Dio.netty.transport.noNative=true (the daemon reads knocks on netty's native epoll loop: "
                + "libnetty_transport_native_epoll_x86_64.so from java.library.path or extracted to "
                + "io.netty.native.workdir, else java.io.tmpdir, which must allow exec)", daemon.output().strip());
    }

    @Test
    void aBadConfigOnSighupIsReportedAndTheOldOneKept() {
        DaemonUnderTest daemon = daemon(sequence(""));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        daemon.writeConfig(sequence("window = forever\n"));
        daemon.signal("HUP");
        assertTrue(daemon.logs("<3>reload failed, keeping the running config: " + daemon.config + ":11: window forever",
                SETTLE), daemon.output());
        assertTrue(daemon.isAlive(), "a bad config must not stop the daemon");
        assertEquals(Reach.OPEN, ssh(client, 4), "the admitted client lost its access on a bad reload");
        ExecResult status = daemon.statusBySocket();
        assertTrue(status.stdout().contains("198.18.0.2"), "status lost the admitted client:\n" + status.stdout()
                + status.stderr());
        knock(scanner, 4);
        assertOpens(scanner, 4, "a knock after the failed reload (the old config still works)");
    }

    @Test
    void aGoodConfigOnSighupKeepsAdmissionsAndTakesNewSteps() {
        DaemonUnderTest daemon = daemon(sequence("window = 60s\n"));
        knock(client, 4);
        assertOpens(client, 4, "after the knock");
        daemon.writeConfig(sequence("window = 60s\n").replace("7000/tcp 8000/udp icmp/64", "9000/udp icmp/64"));
        loadRules(daemon); // new knock ports need the ruleset's NFLOG rules for them
        daemon.signal("HUP");
        assertTrue(daemon.logs("<6>reload ", SETTLE), daemon.output());
        assertEquals(Reach.OPEN, ssh(client, 4), "the admitted client lost its access on reload");
        scanner.knockUdp(KNOCK4, 9000);
        scanner.knockIcmp(KNOCK4, 64);
        assertOpens(scanner, 4, "with the reloaded sequence");
    }
}
