package knock.server.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static knock.server.track.SequenceTrackerTest.CLIENT4;
import static knock.server.track.SequenceTrackerTest.KNOCK4;
import static knock.server.track.SequenceTrackerTest.PREFIX6;
import static knock.server.track.SequenceTrackerTest.T0;
import static knock.server.track.SequenceTrackerTest.config;
import static knock.server.track.SequenceTrackerTest.knockAll;
import static knock.server.track.SequenceTrackerTest.s;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import knock.sequence.Protocol;
import knock.server.TestKnock;
import knock.server.config.SequenceConfig;

/**
 * Hostile volume: random sources at and past the cap, and the per-packet path's allocation. Behaviour only:
 * the time per packet and the memory at the default cap of a million are figures, in the benchmarks module
 * ({@code FloodBenchmark}, {@code TrackerBenchmark}).
 */
class FloodTest {

    static final TrackEvents QUIET = new TrackEvents() {
        @Override
        public void admitted(SequenceConfig sequence, int family, long hi, long lo, boolean refreshed,
                             long packetNanos) {
        }

        @Override
        public void refused(SequenceConfig sequence, int family, long hi, long lo, int capacity) {
        }

        @Override
        public void broken(SequenceConfig sequence, int family, long hi, long lo, Break reason, boolean removed) {
        }

        @Override
        public void scanned(SequenceConfig sequence, int family, long hi, long lo, Scan kind, boolean removed) {
        }

        @Override
        public void expired(SequenceConfig sequence, int family, long hi, long lo, boolean early) {
        }
    };

    static String withCap(int cap) {
        return SequenceTrackerTest.CONFIG.replace("max-sources = 1000", "max-sources = " + cap);
    }

    @Test
    void tenThousandRandomSourcesKeepTheTableAtItsCapAndTheAdmittedSourceExpiresOnTime() {
        int cap = 1000;
        int sources = 10_000;
        RecordingEvents events = new RecordingEvents();
        events.recordSteps = false;
        SequenceTracker t = new SequenceTracker(config(withCap(cap)), events);
        knockAll(t, CLIENT4, T0);
        events.take();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < sources; i++) {
            // distinct sources outside 198.18.0.0/15, a step 1 each: every one creates progress
            long src = 0x0a00_0000L + i;
            long now = T0 + s(3) + i;
            if (r.nextInt(4) == 0) {
                t.judge(TestKnock.of(6, 0x2001_0db8_0000_0000L | Integer.toUnsignedLong(r.nextInt()), src, PREFIX6, 1, Protocol.TCP, 7000, now));
            } else {
                t.judge(TestKnock.of(4, 0, src, 0, KNOCK4, Protocol.TCP, 7000, now));
            }
        }
        assertEquals(cap, t.trackedSources(), "table not at its cap after the flood");
        assertTrue(t.evictions() >= sources - cap, "evictions " + t.evictions() + " (expected: >= " + (sources - cap) + ")");
        assertEquals(1, t.listedSources(), "the admitted source lost its listing in the flood");
        assertEquals(List.of(), events.take(), "the flood of step 1 hits caused events other than steps");
        long end = T0 + s(2) + s(90);
        assertEquals(end, t.nextDeadline(), "window end lost in the flood");
        t.expire(end);
        assertEquals(List.of("expired ssh4 198.18.0.2"), events.take(), "the admitted source did not expire on time");
    }

    @Test
    void thePerPacketPathAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SequenceTracker t = new SequenceTracker(config(withCap(1000)), QUIET);
        int n = 100_000;
        SplittableRandom r = new SplittableRandom(1);
        int[] kind = new int[n];
        long[] src = new long[n];
        for (int i = 0; i < n; i++) {
            kind[i] = r.nextInt(8);
            src[i] = 0x0a00_0000L + r.nextInt(4000);
        }
        long now = T0;
        for (int round = 0; round < 5; round++) {
            now = run(t, kind, src, now);
        }
        long thread = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(thread);
        now = run(t, kind, src, now);
        long allocated = bean.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 1024, allocated + " bytes allocated by " + n + " packets (expected: none)");
    }

    private static long run(SequenceTracker t, int[] kind, long[] src, long now) {
        for (int i = 0; i < kind.length; i++) {
            now += 1_000_000;
            long a = src[i];
            switch (kind[i]) {
                case 0, 1 -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4, Protocol.TCP, 7000, now));
                case 2 -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4, Protocol.UDP, 8000, now));
                case 3 -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4, Protocol.ICMP, 64, now));
                case 4 -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4, Protocol.TCP, 7001, now));
                case 5 -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4 + 10, Protocol.TCP, 7000, now));
                case 6 -> t.judge(TestKnock.of(6, PREFIX6, a, PREFIX6, 1, Protocol.TCP, 7000, now));
                default -> t.judge(TestKnock.of(4, 0, a, 0, KNOCK4, Protocol.TCP, 22, now));
            }
            if ((i & 1023) == 0) {
                t.expire(now);
            }
        }
        return now;
    }
}
