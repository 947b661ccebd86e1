package knock.server.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import knock.sequence.Protocol;
import knock.server.TestKnock;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;

class SequenceTrackerTest {

    static final String CONFIG = """
            [server]
            max-sources = 1000
            duplicate-grace = 2s
            [sequence ssh]
            steps = 7000/tcp 8000/udp icmp/64
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            step-timeout = 10s
            window = 90s
            scan-adjacent = 1
            hold-off = 5m
            """;

    static final long KNOCK4 = ip4(198, 18, 0, 1);
    static final long SSH4 = ip4(198, 18, 0, 11);
    static final long CLIENT4 = ip4(198, 18, 0, 2);
    static final long PREFIX6 = 0xfd6b_6e6f_636b_0000L;
    static final long T0 = 1_000_000_000_000L;

    final RecordingEvents events = new RecordingEvents();

    static long ip4(int a, int b, int c, int d) {
        return (long) a << 24 | b << 16 | c << 8 | d;
    }

    static long s(double seconds) {
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    static ServerConfig config(String text) {
        return ServerConfigReader.parse("test.conf", text);
    }

    SequenceTracker tracker(String text) {
        return new SequenceTracker(config(text), events);
    }

    static Outcome hit(SequenceTracker t, long src, long dst, Protocol p, int value, long now) {
        return t.judge(TestKnock.of(4, 0, src, 0, dst, p, value, now));
    }

    /** Knocks the whole sequence from CLIENT4 on KNOCK4 one second apart, starting at {@code start}. */
    static Outcome knockAll(SequenceTracker t, long src, long start) {
        hit(t, src, KNOCK4, Protocol.TCP, 7000, start);
        hit(t, src, KNOCK4, Protocol.UDP, 8000, start + s(1));
        return hit(t, src, KNOCK4, Protocol.ICMP, 64, start + s(2));
    }

    @Test
    void completingTheSequenceAdmitsTheSource() {
        SequenceTracker t = tracker(CONFIG);
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0), "step 1 not taken");
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1)), "step 2 not taken");
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(2)), "not admitted");
        assertEquals(List.of("step ssh4 198.18.0.2 1", "step ssh4 198.18.0.2 2", "admitted ssh4 198.18.0.2"),
                events.take(), "events of a clean knock");
        assertEquals(1, t.listedSources(), "listed sources after one admission");
    }

    @Test
    void stepsOutOfOrderDoNotAdmit() {
        SequenceTracker t = tracker(CONFIG);
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0), "step 2 first");
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(1)), "step 3 next");
        assertEquals(List.of(), events.take(), "stray steps from a stranger with no progress are no event");
        assertEquals(0, t.trackedSources(), "a stranger's stray steps created progress");
    }

    @Test
    void wrongPortInTheMiddleStartsTheSourceOver() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1));
        assertEquals(Outcome.BROKEN, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(4)),
                "step 2 again after the grace did not break");
        assertEquals("break ssh4 198.18.0.2 wrong_step", events.last(), "break event");
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(5)),
                "step 3 after a break still counted");
        assertEquals(0, t.listedSources(), "admitted after a broken sequence");
        assertEquals(0, t.trackedSources(), "progress left after the break");
    }

    @Test
    void wrongStepRemovesAnAdmittedSource() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        assertEquals(Outcome.BROKEN, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(10)),
                "a wrong step after admission did not break");
        assertEquals(List.of("break ssh4 198.18.0.2 wrong_step removed"), events.take(),
                "the admitted source was not taken off the list");
        assertEquals(0, t.listedSources(), "still listed after the break");
    }

    @Test
    void stepOneWhileInProgressRestartsAtStepOne() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1));
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0 + s(3)),
                "step 1 in progress was not a restart");
        assertEquals("step ssh4 198.18.0.2 1", events.last(), "restart is step 1 again");
        assertEquals(Outcome.BROKEN, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(4)),
                "step 3 right after a restart did not break");
        knockAll(t, CLIENT4, T0 + s(5));
        assertEquals("admitted ssh4 198.18.0.2", events.last(), "a clean knock after a restart");
    }

    @Test
    void retransmitOfTheStepJustTakenIsIgnored() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        assertEquals(Outcome.DUPLICATE, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0 + s(1)),
                "a SYN retransmit of step 1 within the grace");
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1.5));
        assertEquals(Outcome.DUPLICATE, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(3.5)),
                "a repeat of step 2 exactly at the grace");
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(4)),
                "duplicates broke the sequence");
        assertEquals(Outcome.DUPLICATE, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(5)),
                "a repeat of the last step was taken for a second knock");
        assertEquals(1, t.listedSources(), "the duplicate of the last step took the source off");
    }

    @Test
    void stepAfterItsDeadlineIsABreak() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(10)),
                "step 2 exactly at the step timeout");
        assertEquals(Outcome.BROKEN, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(20) + 1),
                "step 3 past the step timeout was not a break");
        assertEquals("break ssh4 198.18.0.2 late", events.last(), "break reason");
        assertEquals(0, t.listedSources(), "admitted by a late step");
    }

    @Test
    void stepOneAfterAStaleStartBeginsAgain() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(3600)), "a fresh knock an hour later");
    }

    @Test
    void adjacentPortOnAnyAddressIsAScanThatRemovesTheSource() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        assertEquals(Outcome.SCAN, hit(t, CLIENT4, SSH4, Protocol.TCP, 7001, T0 + s(5)), "port 7001 on SSH4");
        assertEquals(List.of("scan ssh4 198.18.0.2 adjacent removed"), events.take(), "scan event");
        assertEquals(0, t.listedSources(), "still listed after a scan");
    }

    @Test
    void adjacentHitResetsProgress() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1));
        assertEquals(Outcome.SCAN, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 65, T0 + s(2)), "icmp/65 next to icmp/64");
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(3)),
                "progress survived a scan");
        assertEquals(0, t.listedSources(), "admitted after a scan");
    }

    @Test
    void adjacencyIsPerProtocol() {
        SequenceTracker t = tracker(CONFIG);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 7001, T0 + s(1)),
                "udp/7001 is no neighbour of tcp/7000");
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7002, T0 + s(1)),
                "tcp/7002 is two away with scan-adjacent 1");
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(2));
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(3)), "not admitted");
    }

    @Test
    void knockStepOnAnotherAddressIsAScan() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        assertEquals(Outcome.SCAN, hit(t, CLIENT4, SSH4, Protocol.TCP, 7000, T0 + s(5)), "tcp/7000 on SSH4");
        assertEquals(List.of("scan ssh4 198.18.0.2 other-address removed"), events.take(), "scan event");
    }

    @Test
    void knockStepOnAnotherAddressIsNothingWhenThatCheckIsOff() {
        SequenceTracker t = tracker(CONFIG + "scan-other-address = false\n");
        knockAll(t, CLIENT4, T0);
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, SSH4, Protocol.TCP, 7000, T0 + s(5)), "tcp/7000 on SSH4");
        assertEquals(1, t.listedSources(), "taken off by a hit on another address");
    }

    @Test
    void aStepNextToAnotherStepCountsAsAStep() {
        SequenceTracker t = tracker(CONFIG.replace("7000/tcp 8000/udp icmp/64", "7000/tcp 7001/tcp 7000/tcp"));
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0), "step 1");
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7001, T0 + s(3)),
                "step 2 taken for a neighbour of step 1");
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0 + s(6)),
                "step 3 (= step 1) did not complete");
        assertEquals(Outcome.SCAN, hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7002, T0 + s(9)), "7002 is a neighbour");
    }

    @Test
    void repeatWithinTheHoldOffIsAScan() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        assertEquals(Outcome.SCAN, knockAll(t, CLIENT4, T0 + s(60)), "second knock within the hold-off");
        assertEquals("scan ssh4 198.18.0.2 hold-off removed", events.last(), "hold-off event");
        assertEquals(0, t.listedSources(), "listed after knocking within the hold-off");
        assertEquals(Outcome.SCAN, knockAll(t, CLIENT4, T0 + s(200)), "third knock, still within the hold-off");
        assertEquals("scan ssh4 198.18.0.2 hold-off", events.last(), "a scan that removes nothing");
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(300)), "knock after the hold-off");
        assertEquals("admitted ssh4 198.18.0.2", events.last(), "a new admission after the hold-off");
    }

    @Test
    void aConnectionToTheGuardedPortEndsTheHoldOffSoTheUserMayKnockAgain() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        assertEquals(Outcome.CONNECTED, hit(t, CLIENT4, SSH4, Protocol.TCP, 22, T0 + s(3)), "ssh after the knock");
        assertEquals("connected ssh4 198.18.0.2", events.last(), "connection event");
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(20)), "scp's knock, 20 s after ssh's");
        assertEquals("refreshed ssh4 198.18.0.2", events.last(), "a used admission is renewed, not a scan");
        hit(t, CLIENT4, SSH4, Protocol.TCP, 22, T0 + s(23));
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(200)), "ssh again minutes later");
        assertEquals(Outcome.SCAN, knockAll(t, CLIENT4, T0 + s(210)), "a knock repeated without connecting");
        assertEquals("scan ssh4 198.18.0.2 hold-off removed", events.last(), "an unused repeat still hides the port");
    }

    @Test
    void aStrangersSynToTheGuardedPortIsNothing() {
        SequenceTracker t = tracker(CONFIG);
        assertEquals(Outcome.IGNORED, hit(t, CLIENT4, SSH4, Protocol.TCP, 22, T0), "a stranger's SYN to 22");
        assertEquals(List.of(), events.take(), "a stranger's SYN to the guarded port made an event");
    }

    @Test
    void aRetransmitOfTheLastSynNeverBreaksTheAdmission() {
        SequenceTracker t = tracker("""
                [server]
                duplicate-grace = 2s
                [sequence ssh]
                steps = 8000/udp 7000/tcp
                knock-address = 198.18.0.1
                hold-off = 5m
                """);
        hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0);
        assertEquals(Outcome.ADMITTED, lastStepFrom(t, 4711, T0 + s(1)), "last step");
        for (int retransmit : new int[] {1, 3, 7, 15, 31, 63}) {
            assertEquals(Outcome.DUPLICATE, lastStepFrom(t, 4711, T0 + s(1 + retransmit)),
                    "the kernel's SYN retransmit " + retransmit + " s after the first");
        }
        assertEquals(1, t.listedSources(), "a retransmit removed the admission");
        assertEquals(Outcome.BROKEN, lastStepFrom(t, 4712, T0 + s(10)),
                "the same step from another port after the grace is a new packet: a break");
    }

    /** The last step of the two-step test sequence, from a chosen source port. */
    private static Outcome lastStepFrom(SequenceTracker t, int port, long now) {
        return t.judge(TestKnock.resend(4, 0, CLIENT4, 0, KNOCK4, Protocol.TCP, 7000, port, now));
    }

    @Test
    void aFullListRefusesNewcomersAndKeepsEveryAdmittedSource() {
        SequenceTracker t = new SequenceTracker(config(CONFIG.replace("hold-off = 5m", "hold-off = 0")), events, 2);
        knockAll(t, CLIENT4, T0);
        knockAll(t, CLIENT4 + 1, T0);
        assertEquals(Outcome.REFUSED, knockAll(t, CLIENT4 + 2, T0 + s(1)), "a third source on a list of two");
        assertEquals("refused ssh4 198.18.0.4 full=2", events.last(), "refusal event");
        assertEquals(2, t.listedSources(), "listed after a refusal");
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(5)), "a listed source may renew on a full list");
        hit(t, CLIENT4 + 1, KNOCK4, Protocol.TCP, 7001, T0 + s(10));
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4 + 2, T0 + s(11)), "room again after a scan removal");
        assertEquals(2, t.listedSources(), "listed at the end");
    }

    @Test
    void withoutHoldOffAKnockRefreshesTheWindow() {
        SequenceTracker t = tracker(CONFIG.replace("hold-off = 5m", "hold-off = 0"));
        knockAll(t, CLIENT4, T0);
        long first = t.nextDeadline();
        assertEquals(T0 + s(2) + s(90), first, "window end after the first knock");
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(60)), "second knock");
        assertEquals("refreshed ssh4 198.18.0.2", events.last(), "refresh event");
        assertEquals(T0 + s(62) + s(90), t.nextDeadline(), "window not renewed");
    }

    @Test
    void admittedSourceIsRemovedWhenItsWindowEnds() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        long end = T0 + s(2) + s(90);
        assertTrue(t.hasDeadline(), "no deadline after an admission");
        assertEquals(end, t.nextDeadline(), "deadline is not the window end");
        t.expire(end - 1);
        assertEquals(List.of(), events.take(), "expired before its window ended");
        t.expire(end);
        assertEquals(List.of("expired ssh4 198.18.0.2"), events.take(), "not expired at its window end");
        assertEquals(0, t.listedSources(), "listed after its window");
        assertEquals(T0 + s(2) + s(300), t.nextDeadline(), "the hold-off is the next deadline");
        t.expire(T0 + s(1000));
        assertFalse(t.hasDeadline(), "a deadline left after window and hold-off passed");
        assertEquals(0, t.admissions(), "admission kept after window and hold-off passed");
    }

    @Test
    void ipv6SourcesKnockOnTheIpv6ListAndAreKeptApartFromIpv4() {
        SequenceTracker t = tracker(CONFIG);
        long knockLo = 1;
        long clientLo = 2;
        t.judge(TestKnock.of(6, PREFIX6, clientLo, PREFIX6, knockLo, Protocol.TCP, 7000, T0));
        // IPv4 198.18.0.2 shares nothing with fd6b:...::2 nor with ::2: a different family key
        assertEquals(Outcome.IGNORED, t.judge(TestKnock.of(4, 0, CLIENT4, 0, KNOCK4, Protocol.UDP, 8000, T0 + s(1))),
                "the IPv4 source took the IPv6 source's step");
        t.judge(TestKnock.of(6, PREFIX6, clientLo, PREFIX6, knockLo, Protocol.UDP, 8000, T0 + s(1)));
        assertEquals(Outcome.ADMITTED, t.judge(TestKnock.of(6, PREFIX6, clientLo, PREFIX6, knockLo, Protocol.ICMP, 64, T0 + s(2))),
                "IPv6 knock not admitted");
        assertEquals("admitted ssh6 fd6b:6e6f:636b::2", events.last(), "IPv6 admission event");
        assertEquals(Outcome.SCAN, t.judge(TestKnock.of(6, PREFIX6, clientLo, PREFIX6, 0x11, Protocol.TCP, 7000, T0 + s(3))),
                "knock port on the IPv6 SSH address");
        assertEquals("scan ssh6 fd6b:6e6f:636b::2 other-address removed", events.last(), "IPv6 scan event");
    }

    @Test
    void ipv4MappedLookalikeIsAnIpv6Source() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        events.take();
        // ::ffff:198.18.0.2 on the wire is some IPv6 source, not our IPv4 client
        assertEquals(Outcome.SCAN, t.judge(TestKnock.of(6, 0, 0xffff_0000_0000L | CLIENT4, PREFIX6, 1, Protocol.TCP, 7001, T0 + s(5))), "scan from the mapped lookalike");
        assertEquals(List.of("scan ssh6 ::ffff:c612:2 adjacent"), events.take(), "lookalike took the IPv4 entry off");
        assertEquals(1, t.listedSources(), "the IPv4 client lost its admission");
    }

    @Test
    void familyWithoutKnockAddressIsIgnored() {
        SequenceTracker t = tracker(CONFIG.replace(" fd6b:6e6f:636b::1", ""));
        assertEquals(Outcome.IGNORED, t.judge(TestKnock.of(6, PREFIX6, 2, PREFIX6, 1, Protocol.TCP, 7000, T0)),
                "IPv6 knock on a sequence with no IPv6 knock address");
    }

    @Test
    void adoptedEntriesGetAFreshWindowAndNoHoldOff() {
        ServerConfig c = config(CONFIG);
        SequenceTracker t = new SequenceTracker(c, events);
        assertTrue(t.adopt(c.sequences().getFirst(), 4, 0, CLIENT4, T0), "adopt refused");
        assertTrue(t.adopt(c.sequences().getFirst(), 6, PREFIX6, 2, T0), "adopt refused");
        assertEquals(2, t.listedSources(), "adopted entries not listed");
        assertEquals(T0 + s(90), t.nextDeadline(), "adopted entries do not get a full window from now");
        assertEquals(Outcome.ADMITTED, knockAll(t, CLIENT4, T0 + s(10)), "an adopted source was held off");
        t.expire(T0 + s(90));
        assertEquals(List.of("expired ssh6 fd6b:6e6f:636b::2"), events.take().subList(3, 4),
                "the adopted IPv6 entry did not expire after a full window");
        t.expire(T0 + s(12) + s(90));
        assertEquals(List.of("expired ssh4 198.18.0.2"), events.take(), "re-admitted source expiry");
    }

    @Test
    void wrongStepFromAListedSourceWithoutProgressRemovesIt() {
        ServerConfig c = config(CONFIG);
        SequenceTracker t = new SequenceTracker(c, events);
        t.adopt(c.sequences().getFirst(), 4, 0, CLIENT4, T0);
        assertEquals(Outcome.BROKEN, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(1)), "step 2 out of the blue");
        assertEquals("break ssh4 198.18.0.2 wrong_step removed", events.last(), "the listed source was not removed");
    }

    @Test
    void sequencesAreTrackedIndependently() {
        String two = CONFIG + """
                [sequence web]
                steps = 9000/udp
                knock-address = 198.18.0.1
                guard-port = 443
                list4 = web4
                list6 = web6
                hold-off = 0
                """;
        SequenceTracker t = tracker(two);
        hit(t, CLIENT4, KNOCK4, Protocol.TCP, 7000, T0);
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 9000, T0 + s(1)), "one-step web knock");
        assertEquals(Outcome.ADVANCED, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 8000, T0 + s(2)),
                "the web knock broke the ssh progress");
        assertEquals(Outcome.ADMITTED, hit(t, CLIENT4, KNOCK4, Protocol.ICMP, 64, T0 + s(3)), "ssh knock");
        events.take();
        assertEquals(Outcome.SCAN, hit(t, CLIENT4, KNOCK4, Protocol.UDP, 9001, T0 + s(4)), "neighbour of 9000");
        assertEquals(List.of("scan web4 198.18.0.2 adjacent removed"), events.take(), "only the web list is hit");
        assertEquals(1, t.listedSources(), "ssh admission lost to a web scan");
    }

    @Test
    void reconfigureKeepsProgressAndAdmissions() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        long other = ip4(198, 18, 0, 5);
        hit(t, other, KNOCK4, Protocol.TCP, 7000, T0 + s(3));
        String reloaded = CONFIG.replace("window = 90s", "window = 30s") + """
                [sequence web]
                steps = 9000/udp
                knock-address = 198.18.0.1
                guard-port = 443
                list4 = web4
                list6 = web6
                """;
        events.take();
        t.reconfigure(config(reloaded), T0 + s(4));
        assertEquals(List.of(), events.take(), "reload changed something by itself");
        assertEquals(Outcome.ADVANCED, hit(t, other, KNOCK4, Protocol.UDP, 8000, T0 + s(5)), "progress lost on reload");
        assertEquals(1, t.listedSources(), "admission lost on reload");
        assertEquals(T0 + s(92), t.nextDeadline(), "the window of an admission changed on reload");
        assertEquals(Outcome.SCAN, knockAll(t, CLIENT4, T0 + s(10)), "hold-off lost on reload");
    }

    @Test
    void reconfigureTakesSourcesOffListsThatAreGone() {
        SequenceTracker t = tracker(CONFIG);
        knockAll(t, CLIENT4, T0);
        hit(t, ip4(198, 18, 0, 5), KNOCK4, Protocol.TCP, 7000, T0 + s(3));
        events.take();
        t.reconfigure(config(CONFIG.replace("hold-off = 5m", "list4 = admin4")
                .replace("7000/tcp 8000/udp", "7100/tcp 8000/udp")), T0 + s(4));
        assertEquals(List.of("dropped ssh4 198.18.0.2"), events.take(), "the old list kept the source");
        assertEquals(0, t.listedSources(), "listed on a renamed list");
        assertEquals(0, t.trackedSources(), "progress kept although the steps changed");
    }

    @Test
    void reconfigureToASmallerCapKeepsTheNewestProgress() {
        SequenceTracker t = tracker(CONFIG);
        for (int i = 0; i < 100; i++) {
            hit(t, 0x0a00_0000L + i, KNOCK4, Protocol.TCP, 7000, T0 + i);
        }
        t.reconfigure(config(CONFIG.replace("max-sources = 1000", "max-sources = 16")), T0 + s(1));
        assertEquals(16, t.trackedSources(), "sources kept under the new cap");
        assertEquals(84, t.evictions(), "evictions on reload");
        assertEquals(Outcome.ADVANCED, hit(t, 0x0a00_0000L + 99, KNOCK4, Protocol.UDP, 8000, T0 + s(2)),
                "the newest source lost its progress");
        assertEquals(Outcome.IGNORED, hit(t, 0x0a00_0000L, KNOCK4, Protocol.UDP, 8000, T0 + s(2)),
                "the oldest source kept its progress past the cap");
    }
}
