package knock.server.track;

import static knock.server.track.SequenceTrackerTest.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import knock.sequence.Protocol;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;
import knock.server.TestKnock;
import knock.server.config.ServerConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker with a time-derived sequence, time stepped by hand: the wall clock is given once, at
 * {@link #W0} for nanoTime {@link SequenceTrackerTest#T0}, and packets at T0 + x are at W0 + x.
 */
class TimeDerivedTrackerTest {

    /** A wall clock 1 s into a 10 s time step. */
    static final long W0 = 1_700_000_001_000L;
    static final long SCANNER4 = ip4(198, 18, 0, 3);

    @TempDir
    Path dir;
    private Path secret;
    private Path otherSecret;
    final RecordingEvents events = new RecordingEvents();

    @BeforeEach
    void secrets() throws IOException {
        secret = secret("ssh.secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
        otherSecret = secret("other.secret", "KRSXG5DTMVRXEZLUORSXG5DTMVRXEZLU");
    }

    private Path secret(String name, String base32) throws IOException {
        Path file = Files.writeString(dir.resolve(name), base32 + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private String text(Path secretFile, String extra) {
        return """
                [server]
                max-sources = 1000
                [sequence ssh]
                secret-file = %s
                port-range = 40000-49999
                protocols = udp tcp udp
                period = 10s
                knock-address = 198.18.0.1
                step-timeout = 5s
                hold-off = 5m
                """.formatted(secretFile) + extra;
    }

    private SequenceTracker tracker(String extra) {
        SequenceTracker t = new SequenceTracker(config(text(secret, extra)), events);
        t.wallClock(W0, T0);
        return t;
    }

    private TimeDerivedSteps derived(Path secretFile) {
        return config(text(secretFile, "")).sequences().getFirst().sequence().derived();
    }

    /** The knock of the time step that holds {@code nanos} (W0 at T0). */
    private List<Step> stepsAt(Path secretFile, long nanos) {
        TimeDerivedSteps d = derived(secretFile);
        return d.steps(d.timeStep(W0 + (nanos - T0) / 1_000_000));
    }

    private static Outcome send(SequenceTracker t, long src, Step step, long now) {
        return t.judge(TestKnock.of(4, 0, src, 0, KNOCK4, step.protocol(), step.value(), now));
    }

    /** Sends {@code steps} from {@code src} 100 ms apart from {@code start}; returns the last outcome. */
    private static Outcome knock(SequenceTracker t, long src, List<Step> steps, long start) {
        Outcome last = null;
        for (int i = 0; i < steps.size(); i++) {
            last = send(t, src, steps.get(i), start + i * s(0.1));
        }
        return last;
    }

    @Test
    void theCurrentTimeStepsKnockOpens() {
        SequenceTracker t = tracker("");
        long now = T0 + s(10); // the next time step: the one live at start is burned
        assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, stepsAt(secret, now), now), events.lines.toString());
        assertEquals(List.of("step ssh4 198.18.0.2 1", "step ssh4 198.18.0.2 2", "admitted ssh4 198.18.0.2"),
                events.take());
    }

    @Test
    void thePreviousTimeStepsKnockOpensWithinItsGrace() {
        SequenceTracker t = tracker("");
        long previous = T0 + s(10);
        long now = T0 + s(28); // the last second of the time step after it (W0 is 1 s into its time step)
        assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, stepsAt(secret, previous), now), events.lines.toString());
        assertEquals(Outcome.IGNORED, send(t, SCANNER4, stepsAt(secret, previous).getFirst(), T0 + s(30)),
                "two time steps back, the knock still counts");
    }

    @Test
    void aKnockThatSpansTheChangeOfTimeStepOpens() {
        SequenceTracker t = tracker("");
        long start = T0 + s(18.95);
        assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, stepsAt(secret, start), start), events.lines.toString());
    }

    @Test
    void aCompletedKnockIsBurnedForEveryoneWhileItIsLive() {
        SequenceTracker t = tracker("");
        long now = T0 + s(10);
        List<Step> steps = stepsAt(secret, now);
        assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, steps, now));
        events.take();
        assertEquals(Outcome.REPLAYED, knock(t, SCANNER4, steps, now + s(1)), "a sniffer's replay");
        assertEquals(Outcome.REPLAYED, knock(t, SCANNER4, steps, now + s(15)), "replayed while it is the previous step");
        assertEquals(1, t.listedSources(), "the replays got a source listed");
        long step = derived(secret).timeStep(W0 + 10_000);
        assertEquals(List.of("step ssh4 198.18.0.3 1", "step ssh4 198.18.0.3 2", "replayed ssh4 198.18.0.3 step="
                + step), events.take().subList(0, 3));
        // The user connects, then knocks again in the same time step (scp after ssh): burned, still listed.
        hit(t, CLIENT4, SSH4, Protocol.TCP, 22, now + s(2));
        assertEquals(Outcome.REPLAYED, knock(t, CLIENT4, steps, now + s(3)));
        assertEquals(1, t.listedSources(), "the user's second knock took the admission away");
        assertEquals(Outcome.ADMITTED, knock(t, SCANNER4, stepsAt(secret, now + s(10)), now + s(10)),
                "the next time step's knock opens again");
    }

    @Test
    void theKnocksLiveAtStartOpenNothingSoNoneUsedBeforeARestartOpensAfterIt() {
        SequenceTracker t = tracker("");
        assertEquals(Outcome.REPLAYED, knock(t, CLIENT4, stepsAt(secret, T0), T0 + s(1)), "the current one at start");
        assertEquals(Outcome.REPLAYED, knock(t, SCANNER4, stepsAt(secret, T0 - s(10)), T0 + s(2)),
                "the previous one at start");
        assertEquals(0, t.listedSources());
    }

    @Test
    void aWrongSecretOpensNothing() {
        SequenceTracker t = tracker("");
        long now = T0 + s(10);
        for (Step step : stepsAt(otherSecret, now)) {
            assertEquals(Outcome.IGNORED, send(t, CLIENT4, step, now), step + " of another secret");
        }
        assertEquals(0, t.listedSources());
        assertEquals(List.of(), events.take());
    }

    @Test
    void theScanGuardFiresAroundThePortsOfBothLiveTimeSteps() {
        SequenceTracker t = new SequenceTracker(config(text(secret, "").replace("hold-off = 5m", "hold-off = 0")),
                events);
        t.wallClock(W0, T0);
        long now = T0 + s(20);
        for (long ago : new long[] {0, s(10)}) {
            assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, stepsAt(secret, now - ago), now));
            Step second = stepsAt(secret, now - ago).get(1);
            Outcome o = send(t, CLIENT4, new Step(second.protocol(), second.value() + 1), now + s(1));
            assertEquals(Outcome.SCAN, o, "a neighbour of a port of the " + (ago == 0 ? "current" : "previous")
                    + " time step");
            assertEquals(0, t.listedSources(), "the scan left the source listed");
            now += s(0.5);
        }
        assertEquals(Outcome.IGNORED, send(t, SCANNER4, new Step(Protocol.TCP, 39000), now), "outside the range");
    }

    @Test
    void aWrongStepOfTheLiveKnockBreaksAListedSource() {
        SequenceTracker t = tracker("");
        long now = T0 + s(10);
        List<Step> steps = stepsAt(secret, now);
        knock(t, CLIENT4, steps, now);
        events.take();
        assertEquals(Outcome.BROKEN, send(t, CLIENT4, steps.get(1), now + s(1)), "step 2 after the whole knock");
        assertEquals(List.of("break ssh4 198.18.0.2 wrong_step removed"), events.take());
    }

    @Test
    void progressOnATimeStepThatHasGoneCountsForNoLaterOne() {
        // Period 2 s: the slot of time step T holds T + 2 four seconds later; a step 1 taken on T must not count
        // as step 1 of T + 2.
        SequenceTracker t = new SequenceTracker(config(text(secret, "").replace("period = 10s", "period = 2s")
                .replace("step-timeout = 5s", "step-timeout = 1m")), events);
        t.wallClock(W0, T0);
        TimeDerivedSteps d = config(text(secret, "").replace("period = 10s", "period = 2s")).sequences().getFirst()
                .sequence().derived();
        long step = d.timeStep(W0) + 2; // past the steps burned at start
        long at = T0 + (d.startMillis(step) - W0) * 1_000_000;
        assertEquals(Outcome.ADVANCED, send(t, CLIENT4, d.steps(step).get(0), at));
        Outcome o = send(t, CLIENT4, d.steps(step + 2).get(1), at + s(4));
        assertNotEquals(Outcome.ADVANCED, o, "step 1 of time step T counted for T + 2");
        assertEquals(Outcome.IGNORED, o);
    }

    @Test
    void aKnockBothLiveTimeStepsShareSoFarFollowsBoth() {
        // A 100-port range and two steps: find a time step whose first port is its predecessor's.
        String small = text(secret, "").replace("40000-49999", "40000-40099").replace("udp tcp udp", "udp udp");
        TimeDerivedSteps d = config(small).sequences().getFirst().sequence().derived();
        long first = d.timeStep(W0) + 2;
        long step = first;
        while (!d.steps(step).get(0).equals(d.steps(step - 1).get(0)) || d.steps(step).equals(d.steps(step - 1))) {
            step++;
            assertTrue(step - first < 100_000, "no shared first port in 100000 time steps");
        }
        SequenceTracker t = new SequenceTracker(config(small), events);
        t.wallClock(W0, T0);
        long at = T0 + (d.startMillis(step) - W0) * 1_000_000 + s(1); // in `step`, where `step - 1` is the previous
        assertEquals(Outcome.ADVANCED, send(t, CLIENT4, d.steps(step).get(0), at));
        assertEquals(Outcome.ADMITTED, send(t, CLIENT4, d.steps(step - 1).get(1), at + s(0.1)),
                "the previous time step's knock, whose first port the current one shares: " + events.lines);
    }

    @Test
    void withoutTheWallClockATimeDerivedSequenceTakesNoKnock() {
        SequenceTracker t = new SequenceTracker(config(text(secret, "")), events);
        assertTrue(t.timeDerived());
        for (Step step : stepsAt(secret, T0)) {
            assertEquals(Outcome.IGNORED, send(t, CLIENT4, step, T0));
        }
    }

    @Test
    void aReloadThatKeepsTheSequenceKeepsItsBurnedKnocksAnotherSecretStartsAfresh() {
        SequenceTracker t = tracker("");
        long now = T0 + s(10);
        List<Step> steps = stepsAt(secret, now);
        assertEquals(Outcome.ADMITTED, knock(t, CLIENT4, steps, now));
        ServerConfig same = config(text(secret, ""));
        t.reconfigure(same, now + s(1));
        assertEquals(Outcome.REPLAYED, knock(t, SCANNER4, steps, now + s(2)), "the reload unburned the knock");
        t.reconfigure(config(text(otherSecret, "")), now + s(3));
        assertEquals(1, t.listedSources(), "the admission did not survive the reload");
        assertEquals(Outcome.ADMITTED, knock(t, SCANNER4, stepsAt(otherSecret, now), now + s(4)),
                "a new secret's knock, added by a reload, did not open");
    }

    @Test
    void aFloodOfStrangersStaysWithinMaxSources() {
        SequenceTracker t = new SequenceTracker(config(text(secret, "").replace("max-sources = 1000",
                "max-sources = 16")), events);
        t.wallClock(W0, T0);
        events.recordSteps = false;
        Step first = stepsAt(secret, T0 + s(10)).getFirst();
        for (int i = 0; i < 100; i++) {
            assertEquals(Outcome.ADVANCED, send(t, ip4(198, 18, 1, i), first, T0 + s(10) + i));
        }
        assertEquals(16, t.trackedSources());
        assertEquals(84, t.evictions());
    }
}
