package knock.server.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import knock.sequence.Protocol;
import knock.server.TestKnock;

class KnockQueueTest {

    /** A copy of what the consumer saw (the queue's holder is reused). */
    record Seen(int family, long srcHi, long srcLo, long dstHi, long dstLo, Protocol protocol, int value, int srcPort,
                long nowNanos) {
    }

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Seen> received = new ArrayList<>();

    private KnockQueue queue(int capacity) {
        return new KnockQueue(capacity, tasks::add,
                k -> received.add(new Seen(k.family(), k.srcHi(), k.srcLo(), k.dstHi(), k.dstLo(), k.protocol(),
                        k.value(), k.srcPort(), k.receivedNanos())));
    }

    @Test
    void knocksArriveInOrderWithEveryFieldAndOneTaskWhileIdle() {
        KnockQueue q = queue(8);
        q.receive(TestKnock.resend(6, 0xfd6b_6e6f_636b_0000L, -2L, 0x8000_0000_0000_0000L, 1L, Protocol.ICMP, 0, 0,
                -5L));
        q.receive(TestKnock.resend(4, 0, 0xc612_0002L, 0, 0xc612_0001L, Protocol.TCP, 65535, 65535, 7L));
        q.receive(TestKnock.resend(4, 0, 0xffff_ffffL, 0, 0, Protocol.UDP, 1, 40001, Long.MAX_VALUE));
        assertEquals(1, tasks.size(), "one drain task for three knocks while the consumer is busy");
        tasks.poll().run();
        assertEquals(List.of(
                new Seen(6, 0xfd6b_6e6f_636b_0000L, -2L, 0x8000_0000_0000_0000L, 1L, Protocol.ICMP, 0, 0, -5L),
                new Seen(4, 0, 0xc612_0002L, 0, 0xc612_0001L, Protocol.TCP, 65535, 65535, 7L),
                new Seen(4, 0, 0xffff_ffffL, 0, 0, Protocol.UDP, 1, 40001, Long.MAX_VALUE)), received);
        assertTrue(tasks.isEmpty(), "no task once drained");
        q.receive(TestKnock.of(4, 0, 1, 0, 2, Protocol.UDP, 9, 0));
        assertEquals(1, tasks.size(), "an idle consumer is scheduled again");
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfGrowing() {
        KnockQueue q = queue(4);
        for (int i = 0; i < 6; i++) {
            q.receive(TestKnock.of(4, 0, i, 0, 0, Protocol.UDP, i + 1, 0));
        }
        assertEquals(2, q.dropped(), "dropped");
        assertEquals(4, q.size(), "queued");
        tasks.poll().run();
        assertEquals(List.of(1, 2, 3, 4), received.stream().map(Seen::value).toList());
        q.receive(TestKnock.of(4, 0, 9, 0, 0, Protocol.UDP, 10, 0));
        tasks.poll().run();
        assertEquals(10, received.getLast().value(), "the ring is usable again after a drain");
    }

    @Test
    void aLongDrainYieldsTheLoopAfterABatch() {
        KnockQueue q = queue(1024);
        for (int i = 0; i < KnockQueue.BATCH + 10; i++) {
            q.receive(TestKnock.of(4, 0, i, 0, 0, Protocol.UDP, i + 1, 0));
        }
        tasks.poll().run();
        assertEquals(KnockQueue.BATCH, received.size(), "one batch per task");
        assertEquals(1, tasks.size(), "the rest resubmitted");
        tasks.poll().run();
        assertEquals(KnockQueue.BATCH + 10, received.size());
        assertTrue(tasks.isEmpty());
    }

    @Test
    void theProducerAllocatesNothingPerKnock() {
        KnockQueue q = new KnockQueue(1024, Runnable::run, k -> { });
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200_000; i++) {
            q.receive(TestKnock.of(4, 0, i, 0, 0, Protocol.TCP, 7000, i));
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            q.receive(TestKnock.of(4, 0, i, 0, 0, Protocol.TCP, 7000, i));
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for 100000 knocks");
    }

    @Test
    void onANettyEventLoopEveryKnockArrivesOrIsCountedAsDropped() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            int total = 200_000;
            AtomicLong count = new AtomicLong();
            AtomicLong last = new AtomicLong(-1);
            AtomicBoolean wrong = new AtomicBoolean();
            CountDownLatch producerDone = new CountDownLatch(1);
            KnockQueue q = new KnockQueue(1024, loop, k -> {
                if (!loop.inEventLoop() || k.srcLo() <= last.get()) {
                    wrong.set(true);
                }
                last.set(k.srcLo());
                count.incrementAndGet();
            });
            Thread producer = Thread.ofPlatform().name("test-capture").start(() -> {
                for (int i = 0; i < total; i++) {
                    q.receive(TestKnock.of(4, 0, i, 0, 0, Protocol.UDP, 8000, i));
                }
                producerDone.countDown();
            });
            assertTrue(producerDone.await(30, TimeUnit.SECONDS), "producer finished");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count.get() + q.dropped() < total && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            producer.join(1000);
            assertEquals(total, count.get() + q.dropped(), "received " + count + " dropped " + q.dropped());
            assertTrue(!wrong.get(), "a knock ran off the event loop or out of order");
            assertEquals(0, q.size(), "nothing left behind");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
