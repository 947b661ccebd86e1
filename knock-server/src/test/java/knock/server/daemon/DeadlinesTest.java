package knock.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.junit.jupiter.api.Test;

import knock.config.ConfigException;
import knock.net.Address;
import knock.sequence.Protocol;
import knock.server.TestKnock;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.track.Break;
import knock.server.track.Scan;
import knock.server.track.SequenceTracker;
import knock.server.track.TrackEvents;

/**
 * Every admission ends on time, whatever else its packet did: random multi-sequence configs (overlapping steps,
 * neighbours, hold-offs) and random packet streams from a few sources, with time stepped by hand. After every
 * packet and every timer, the model of the kernel lists (what the events wrote) equals the tracker's listed
 * sources, and none of them is past its window.
 */
class DeadlinesTest {

    private static final long MS = 1_000_000L;
    private static final long KNOCK4 = Address.lo(Address.parse("198.18.0.1"));
    private static final long OTHER4 = Address.lo(Address.parse("198.18.0.11"));
    private static final long PREFIX6 = 0xfd6b_6e6f_636b_0000L;
    private static final int[] PORTS = {7000, 7001, 7002, 7004, 7005};

    /** A hand-stepped scheduler: tasks run when the test moves the clock past them. */
    private static final class ManualScheduler implements Deadlines.Scheduler {
        record Due(long at, long order, FutureTask<?> task) {
        }

        final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
                : Long.compare(a.order, b.order));
        long now;
        long order;

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            FutureTask<?> f = new FutureTask<>(task, null);
            due.add(new Due(now + delayNanos, order++, f));
            return f;
        }

        /** Runs every task due by {@code until}, each at its own time, then sets the clock to {@code until}. */
        void advance(long until, Runnable afterEach) {
            while (!due.isEmpty() && due.peek().at - until <= 0) {
                Due d = due.poll();
                if (d.task.isCancelled()) {
                    continue;
                }
                now = Math.max(now, d.at);
                d.task.run();
                afterEach.run();
            }
            now = until;
        }
    }

    /** What the kernel lists would hold after the writes the events ask for. */
    private static final class KernelModel implements TrackEvents {
        final Map<String, TreeSet<String>> lists = new TreeMap<>();
        long admissions;

        private TreeSet<String> list(SequenceConfig s, int family) {
            return lists.computeIfAbsent(s.list(family), k -> new TreeSet<>());
        }

        @Override
        public void admitted(SequenceConfig s, int family, long hi, long lo, boolean refreshed, long packetNanos) {
            admissions++;
            list(s, family).add(Address.format(family, hi, lo));
        }

        @Override
        public void refused(SequenceConfig s, int family, long hi, long lo, int capacity) {
        }

        @Override
        public void broken(SequenceConfig s, int family, long hi, long lo, Break reason, boolean removed) {
            if (removed) {
                list(s, family).remove(Address.format(family, hi, lo));
            }
        }

        @Override
        public void scanned(SequenceConfig s, int family, long hi, long lo, Scan kind, boolean removed) {
            if (removed) {
                list(s, family).remove(Address.format(family, hi, lo));
            }
        }

        @Override
        public void expired(SequenceConfig s, int family, long hi, long lo, boolean early) {
            list(s, family).remove(Address.format(family, hi, lo));
        }
    }

    @Test
    void everyAdmissionLeavesItsListWithinItsWindowWhateverElseThePacketDid() {
        SplittableRandom random = new SplittableRandom(20261130);
        int configs = 0;
        long admissions = 0;
        while (configs < 300) {
            ServerConfig config = randomConfig(random);
            if (config == null) {
                continue;
            }
            configs++;
            admissions += run(config, random, 400);
        }
        assertTrue(admissions > 1000, "the random streams admitted only " + admissions + " times: they test little");
    }

    /** A config the reader takes, or null when the random one is rejected (same step twice in a row, ...). */
    private static ServerConfig randomConfig(SplittableRandom r) {
        StringBuilder text = new StringBuilder("[server]\nduplicate-grace = ").append(r.nextInt(0, 3)).append("s\n");
        int sequences = r.nextInt(1, 4);
        for (int i = 0; i < sequences; i++) {
            text.append("[sequence s").append(i).append("]\nsteps =");
            int steps = r.nextInt(1, 4);
            for (int k = 0; k < steps; k++) {
                text.append(' ').append(PORTS[r.nextInt(PORTS.length)]).append(r.nextBoolean() ? "/tcp" : "/udp");
            }
            text.append("\nknock-address = 198.18.0.1 fd6b:6e6f:636b::1\nguard-port = ").append(22 + i)
                    .append("\nlist4 = l4s").append(i).append("\nlist6 = l6s").append(i)
                    .append("\nwindow = ").append(r.nextInt(1, 6)).append('s')
                    .append("\nstep-timeout = ").append(r.nextInt(1, 4)).append('s')
                    .append("\nhold-off = ").append(r.nextBoolean() ? "0" : r.nextInt(2, 11) + "s")
                    .append("\nscan-adjacent = ").append(r.nextInt(0, 2))
                    .append("\nscan-other-address = ").append(r.nextBoolean() ? "yes" : "no").append('\n');
        }
        try {
            return ServerConfigReader.parse("random.conf", text.toString());
        } catch (ConfigException e) {
            return null;
        }
    }

    private static long run(ServerConfig config, SplittableRandom r, int packets) {
        ManualScheduler scheduler = new ManualScheduler();
        scheduler.now = 1_000_000_000_000L;
        KernelModel kernel = new KernelModel();
        SequenceTracker tracker = new SequenceTracker(config, kernel);
        Deadlines deadlines = new Deadlines(scheduler, () -> scheduler.now);
        deadlines.follow(tracker);
        Runnable check = () -> assertListsTellTheTruth(config, tracker, kernel, scheduler.now);
        for (int i = 0; i < packets; i++) {
            scheduler.advance(scheduler.now + r.nextLong(0, 1500) * MS, check);
            int source = r.nextInt(4);
            int family = source < 3 ? 4 : 6;
            long src = family == 4 ? KNOCK4 + 1 + source : 2;
            boolean other = r.nextInt(8) == 0;
            long dstHi = family == 4 ? 0 : PREFIX6;
            long dstLo = family == 4 ? (other ? OTHER4 : KNOCK4) : (other ? 0x11 : 1);
            int port = r.nextInt(10) == 0 ? 22 + r.nextInt(3) : PORTS[r.nextInt(PORTS.length)] + r.nextInt(-1, 2);
            Protocol protocol = r.nextBoolean() ? Protocol.TCP : Protocol.UDP;
            deadlines.judge(TestKnock.of(family, family == 4 ? 0 : PREFIX6, src, dstHi, dstLo, protocol, port,
                    scheduler.now));
            check.run();
        }
        scheduler.advance(scheduler.now + 60_000 * MS, check);
        kernel.lists.values().forEach(list -> assertTrue(list.isEmpty(), "left on a list forever: " + kernel.lists));
        return kernel.admissions;
    }

    private static void assertListsTellTheTruth(ServerConfig config, SequenceTracker tracker, KernelModel kernel,
                                                long now) {
        Map<String, TreeSet<String>> claimed = new HashMap<>();
        List<String> overdue = new ArrayList<>();
        tracker.forEachListed((sequence, family, hi, lo, expiresAt) -> {
            String source = Address.format(family, hi, lo);
            claimed.computeIfAbsent(sequence.list(family), k -> new TreeSet<>()).add(source);
            if (expiresAt - now <= 0 || expiresAt - now > sequence.window().toNanos()) {
                overdue.add(source + " on " + sequence.list(family) + " expires in " + (expiresAt - now) / MS + " ms");
            }
        });
        assertEquals(List.of(), overdue, "listed past or beyond the window\n" + config.source());
        kernel.lists.forEach((list, sources) -> assertEquals(sources, claimed.getOrDefault(list, new TreeSet<>()),
                "kernel list " + list + " and the tracker disagree at " + now / MS + " ms"));
        claimed.forEach((list, sources) -> assertEquals(sources, kernel.lists.getOrDefault(list, new TreeSet<>()),
                "the tracker claims entries the kernel list " + list + " lacks"));
    }
}
