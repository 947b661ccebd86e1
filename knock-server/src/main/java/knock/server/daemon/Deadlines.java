package knock.server.daemon;

import java.util.concurrent.Future;
import java.util.function.LongSupplier;

import knock.server.Knock;
import knock.server.track.Outcome;
import knock.server.track.SequenceTracker;

/**
 * Judges knocks and keeps one timer at the tracker's earliest deadline (a window or hold-off end), so that every
 * admission comes off its list on time. The timer is re-armed after every packet, whatever its outcome: one
 * packet can admit a source in one sequence and be a scan in another, and the summed outcome then hides the
 * admission. Runs on the daemon's event loop; the scheduler and clock are arguments, so tests can step time.
 */
final class Deadlines {

    /** Runs a task once after a delay, on the thread that calls {@link Deadlines}. */
    interface Scheduler {
        Future<?> schedule(Runnable task, long delayNanos);
    }

    private final Scheduler scheduler;
    private final LongSupplier clock;
    private SequenceTracker tracker;
    private Future<?> timer;
    private long armedFor;

    Deadlines(Scheduler scheduler, LongSupplier clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Follows {@code tracker} from now on (at start, or a tracker replaced by a reload) and arms the timer. */
    void follow(SequenceTracker next) {
        tracker = next;
        arm();
    }

    /** Judges one knock, then re-arms the timer. */
    Outcome judge(Knock knock) {
        Outcome outcome = tracker.judge(knock);
        arm();
        return outcome;
    }

    /** Admits a source whose signed knock checked out, then re-arms the timer. */
    Outcome admitSigned(String sequence, int family, long hi, long lo, long nowNanos) {
        Outcome outcome = tracker.admitSigned(sequence, family, hi, lo, nowNanos);
        arm();
        return outcome;
    }

    /** Keeps one timer at the tracker's earliest deadline; call after anything that may have moved it. */
    void arm() {
        if (tracker == null || !tracker.hasDeadline()) {
            return;
        }
        long at = tracker.nextDeadline();
        if (timer != null && !timer.isDone()) {
            if (armedFor - at <= 0) {
                return; // the armed timer fires first anyway
            }
            timer.cancel(false);
        }
        armedFor = at;
        timer = scheduler.schedule(this::fire, Math.max(0, at - clock.getAsLong()));
    }

    private void fire() {
        timer = null;
        tracker.expire(clock.getAsLong());
        arm();
    }
}
