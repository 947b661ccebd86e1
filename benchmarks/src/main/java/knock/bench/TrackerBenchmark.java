package knock.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import knock.sequence.Protocol;
import knock.server.Knock;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfigReader;
import knock.server.track.Break;
import knock.server.track.Outcome;
import knock.server.track.Scan;
import knock.server.track.SequenceTracker;
import knock.server.track.TrackEvents;

/**
 * {@code SequenceTracker.judge} on a warm table: a stream of packets from {@code pool} random sources (a
 * quarter IPv6) mixing step hits, neighbours, other-address hits and unrelated ports. Run with {@code -prof gc}
 * for bytes per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrackerBenchmark {

    private static final int PACKETS = 1 << 16;
    private static final long KNOCK4 = 0xc612_0001L;
    private static final long PREFIX6 = 0xfd6b_6e6f_636b_0000L;

    /** Distinct sources in the stream; the cap is 1,000,000 (the default max-sources). */
    @Param({"1000", "2000000"})
    int pool;

    private SequenceTracker tracker;
    private final int[] kind = new int[PACKETS];
    private final long[] src = new long[PACKETS];
    private final Knock knock = new Knock();
    private int next;
    private long now = 1_000_000_000_000L;

    @Setup
    public void setup() {
        tracker = new SequenceTracker(ServerConfigReader.parse("bench.conf", """
                [sequence ssh]
                steps = 7000/tcp 8000/udp icmp/64
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                """), new Quiet());
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < PACKETS; i++) {
            kind[i] = r.nextInt(8);
            src[i] = 0x0a00_0000L + r.nextInt(pool);
        }
        // warm the table: every source of the pool takes step 1 once
        for (int i = 0; i < Math.min(pool, 1_000_000); i++) {
            tracker.judge(knock.set(4, 0, 0x0a00_0000L + i, 0, KNOCK4, Protocol.TCP, 7000, next & 0xffff, now));
        }
    }

    @Benchmark
    public Outcome judge() {
        int i = next++ & (PACKETS - 1);
        long a = src[i];
        now += 1000;
        return switch (kind[i]) {
            case 0, 1 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, Protocol.TCP, 7000, next & 0xffff, now));
            case 2 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, Protocol.UDP, 8000, next & 0xffff, now));
            case 3 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, Protocol.ICMP, 64, next & 0xffff, now));
            case 4 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, Protocol.TCP, 7001, next & 0xffff, now));
            case 5 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4 + 10, Protocol.TCP, 7000, next & 0xffff, now));
            case 6 -> tracker.judge(knock.set(6, PREFIX6, a, PREFIX6, 1, Protocol.TCP, 7000, next & 0xffff, now));
            default -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, Protocol.TCP, 443, next & 0xffff, now));
        };
    }

    static final class Quiet implements TrackEvents {
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
    }
}
