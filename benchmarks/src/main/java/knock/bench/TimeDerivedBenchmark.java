package knock.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import knock.sequence.Protocol;
import knock.sequence.TimeDerivedSteps;
import knock.server.Knock;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.track.Outcome;
import knock.server.track.SequenceTracker;

/**
 * {@code SequenceTracker.judge} with a time-derived sequence (three steps in 40000-49999, period 2 s), on a warm
 * table, as {@link TrackerBenchmark} does for fixed steps: packets from {@code pool} random sources hitting the
 * live knock's ports, their neighbours, other ports of the range and an unrelated port, with the wall clock given
 * per packet as the daemon gives it. Time runs at 1 us per packet, so the knock changes every two million
 * packets: its derivation (one HMAC, a few small arrays) is in the figure, spread over them. Run with
 * {@code -prof gc} for bytes per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TimeDerivedBenchmark {

    private static final int PACKETS = 1 << 16;
    private static final long KNOCK4 = 0xc612_0001L;
    private static final long PREFIX6 = 0xfd6b_6e6f_636b_0000L;
    private static final long WALL0 = 1_700_000_000_000L;
    private static final long NANOS0 = 1_000_000_000_000L;
    private static final Protocol UDP = Protocol.UDP;

    @Param({"1000"})
    int pool;

    private Path dir;
    private SequenceTracker tracker;
    private TimeDerivedSteps derived;
    private final int[] kind = new int[PACKETS];
    private final long[] src = new long[PACKETS];
    private final int[] offset = new int[PACKETS];
    private final int[] ports = new int[3];
    private long portsStep = Long.MIN_VALUE;
    private final Knock knock = new Knock();
    private int next;
    private long now = NANOS0;

    @Setup
    public void setup() throws IOException {
        dir = Files.createTempDirectory("knock-bench");
        Path secret = Files.writeString(dir.resolve("bench.secret"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ServerConfig config = ServerConfigReader.parse(dir.resolve("bench.conf").toString(), """
                [sequence ssh]
                secret-file = %s
                port-range = 40000-49999
                protocols = udp udp udp
                period = 2s
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                """.formatted(secret));
        derived = config.sequences().getFirst().sequence().derived();
        tracker = new SequenceTracker(config, new TrackerBenchmark.Quiet());
        tracker.wallClock(WALL0, NANOS0);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < PACKETS; i++) {
            kind[i] = r.nextInt(8);
            src[i] = 0x0a00_0000L + r.nextInt(pool);
            offset[i] = r.nextInt(10_000);
        }
    }

    @TearDown
    public void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** The live knock's ports, as a client would send them: derived again only when the time step changes. */
    private int port(int step, long wallMillis) {
        long t = derived.timeStep(wallMillis);
        if (t != portsStep) {
            derived.ports(t, ports);
            portsStep = t;
        }
        return ports[step];
    }

    @Benchmark
    public Outcome judge() {
        int i = next++ & (PACKETS - 1);
        long a = src[i];
        now += 1000;
        long wall = WALL0 + (now - NANOS0) / 1_000_000;
        tracker.wallClock(wall, now);
        return switch (kind[i]) {
            case 0, 1 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, port(0, wall), next & 0xffff, now));
            case 2 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, port(1, wall), next & 0xffff, now));
            case 3 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, port(2, wall), next & 0xffff, now));
            case 4 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, port(0, wall) + 1, next & 0xffff, now));
            case 5 -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, 40000 + offset[i], next & 0xffff, now));
            case 6 -> tracker.judge(knock.set(6, PREFIX6, a, PREFIX6, 1, UDP, port(0, wall), next & 0xffff, now));
            default -> tracker.judge(knock.set(4, 0, a, 0, KNOCK4, UDP, 443, next & 0xffff, now));
        };
    }
}
