package knock.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import knock.sequence.Protocol;
import knock.server.Knock;
import knock.server.config.ServerConfigReader;
import knock.server.track.SequenceTracker;

/**
 * A flood of spoofed sources at the default cap: {@value #SOURCES} distinct sources (a quarter IPv6), each
 * taking step 1 once, against a table of {@value #CAP} (the default {@code max-sources}), so the second half
 * of the flood evicts the oldest progress on every packet. One shot per iteration, on a fresh tracker; the
 * score is the time per packet. After each shot it prints the tracker's memory, and checks that the flood did
 * what it claims (table at its cap, every extra source evicted), so the figure is never of a tracker that
 * skipped the work. The behaviour at a small cap is {@code FloodTest}'s, in the functional suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class FloodBenchmark {

    static final int CAP = 1_000_000;
    static final int SOURCES = 2_000_000;
    private static final long KNOCK4 = 0xc612_0001L;
    private static final long PREFIX6 = 0xfd6b_6e6f_636b_0000L;

    private final long[] hi6 = new long[SOURCES];
    private final Knock knock = new Knock();
    private SequenceTracker tracker;

    @Setup(Level.Trial)
    public void sources() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < SOURCES; i++) {
            // 0: IPv4; else an IPv6 prefix of its own (2001:db8::/32 and a random next 32 bits)
            hi6[i] = r.nextInt(4) == 0 ? 0x2001_0db8_0000_0000L | Integer.toUnsignedLong(r.nextInt()) : 0;
        }
    }

    @Setup(Level.Iteration)
    public void freshTracker() {
        tracker = new SequenceTracker(ServerConfigReader.parse("bench.conf", """
                [server]
                max-sources = %d
                [sequence ssh]
                steps = 7000/tcp 8000/udp icmp/64
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                """.formatted(CAP)), new TrackerBenchmark.Quiet());
    }

    @Benchmark
    @OperationsPerInvocation(SOURCES)
    public int flood() {
        long now = 1_000_000_000_000L;
        for (int i = 0; i < SOURCES; i++) {
            long src = 0x0a00_0000L + i; // distinct, outside 198.18.0.0/15
            if (hi6[i] != 0) {
                tracker.judge(knock.set(6, hi6[i], src, PREFIX6, 1, Protocol.TCP, 7000, 40000, now + i));
            } else {
                tracker.judge(knock.set(4, 0, src, 0, KNOCK4, Protocol.TCP, 7000, 40000, now + i));
            }
        }
        return tracker.trackedSources();
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (tracker.trackedSources() != CAP || tracker.evictions() < SOURCES - CAP) {
            throw new IllegalStateException("the flood did not fill the table: tracked " + tracker.trackedSources()
                    + ", evicted " + tracker.evictions() + " (expected: " + CAP + ", at least " + (SOURCES - CAP) + ")");
        }
        System.out.printf("%ntracker memory at the cap: %.1f MB (%.1f bytes per source)%n",
                tracker.memoryBytes() / 1e6, (double) tracker.memoryBytes() / CAP);
    }
}
