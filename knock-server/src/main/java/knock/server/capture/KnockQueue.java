package knock.server.capture;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import knock.sequence.Protocol;
import knock.server.Knock;

/**
 * Carries knocks from the capture thread to an event loop (a netty {@code EventLoop}, or any {@link Executor}
 * that runs tasks one at a time) without allocating per packet: a preallocated single-producer single-consumer
 * ring of primitive slots, and one reusable drain task, submitted only when the consumer is idle. The consumer
 * sink then runs on the event loop, where the per-source state can live without locks.
 *
 * <p>Bounded: when the ring is full the knock is dropped and counted; a flood never grows memory. A drain runs
 * at most {@value #BATCH} knocks before it resubmits itself, so other event-loop tasks keep their turn.
 *
 * <p>Exactly one thread may call {@link #receive} (the capture thread); the consumer gets one reused {@link Knock}
 * of the queue's own, filled from the slot.
 */
public final class KnockQueue implements KnockSink {

    private static final System.Logger LOG = System.getLogger("knock.server.capture");

    /** Knocks handed to the consumer per event-loop task. */
    static final int BATCH = 256;
    private static final Protocol[] PROTOCOLS = Protocol.values();
    // Slot layout in longs: srcHi, srcLo, dstHi, dstLo, receivedNanos,
    // family << 56 | protocol << 48 | srcPort << 32 | value.
    private static final int STRIDE = 6;

    private final long[] slots;
    private final int mask;
    private final Executor executor;
    private final KnockSink consumer;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** The consumer's view of the slot being drained; touched by the event loop alone. */
    private final Knock out = new Knock();

    // Written by the producer (tail) and the consumer (head) alone.
    private volatile long head;
    private volatile long tail;
    private volatile long dropped;
    private volatile long failures;

    /**
     * @param capacity slots in the ring, a power of two
     * @param executor runs the drain task, e.g. the daemon's event loop
     * @param consumer called for each knock on {@code executor}
     */
    public KnockQueue(int capacity, Executor executor, KnockSink consumer) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > 1 << 20) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected: a power of two, 2-1048576)");
        }
        this.slots = new long[capacity * STRIDE];
        this.mask = capacity - 1;
        this.executor = executor;
        this.consumer = consumer;
    }

    /** Queues one knock; called on the capture thread only. Drops and counts it when the ring is full. */
    @Override
    public void receive(Knock knock) {
        long t = tail;
        if (t - head > mask) {
            dropped++;
            return;
        }
        int at = (int) (t & mask) * STRIDE;
        slots[at] = knock.srcHi();
        slots[at + 1] = knock.srcLo();
        slots[at + 2] = knock.dstHi();
        slots[at + 3] = knock.dstLo();
        slots[at + 4] = knock.receivedNanos();
        slots[at + 5] = (long) knock.family() << 56 | (long) knock.protocol().ordinal() << 48
                | (long) (knock.srcPort() & 0xffff) << 32 | (knock.value() & 0xffff_ffffL);
        tail = t + 1; // volatile write publishes the slot
        // The volatile write above and this read are ordered (Dekker with drain's clear-then-recheck).
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            submit();
        }
    }

    private void drain() {
        long h = head;
        long t = tail;
        int n = 0;
        while (h < t && n < BATCH) {
            int at = (int) (h & mask) * STRIDE;
            long srcHi = slots[at];
            long srcLo = slots[at + 1];
            long dstHi = slots[at + 2];
            long dstLo = slots[at + 3];
            long receivedNanos = slots[at + 4];
            long packed = slots[at + 5];
            head = ++h; // the slot is read: the producer may reuse it
            n++;
            try {
                consumer.receive(out.set((int) (packed >>> 56), srcHi, srcLo, dstHi, dstLo,
                        PROTOCOLS[(int) (packed >>> 48) & 0xff], (int) packed, (int) (packed >>> 32) & 0xffff,
                        receivedNanos));
            } catch (RuntimeException e) {
                failures++;
                LOG.log(Level.WARNING, "knock consumer failed error=" + e);
            }
            if (h == t) {
                t = tail;
            }
        }
        if (h < tail) {
            submit(); // still scheduled: yield the loop to other tasks, then go on
            return;
        }
        scheduled.set(false);
        if (head < tail && scheduled.compareAndSet(false, true)) {
            submit(); // the producer added one between our check and the clear
        }
    }

    private void submit() {
        try {
            executor.execute(drain);
        } catch (RejectedExecutionException e) {
            // The loop is shutting down: nobody will drain; let the ring fill and drop.
            failures++;
        }
    }

    /** Knocks dropped because the ring was full. */
    public long dropped() {
        return dropped;
    }

    /** Consumer exceptions and rejected submissions. */
    public long failures() {
        return failures;
    }

    /** Knocks queued and not yet handed to the consumer. */
    public int size() {
        return (int) (tail - head);
    }
}
