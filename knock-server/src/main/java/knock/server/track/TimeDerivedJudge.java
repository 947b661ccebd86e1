package knock.server.track;

/**
 * The tracker's rules for a time-derived sequence, whose steps are those of either live time step
 * ({@link LiveSteps}): the same rules as for fixed steps (duplicates, the step timeout, a restart at step 1, a
 * wrong step breaks, the hold-off), with two more. A source's progress follows every live time step whose
 * knock fits its packets so far (a mask of slots beside the step index, in the same progress byte). And a
 * completed knock is burned: whoever completes it again, while it is live, is not admitted
 * ({@link Outcome#REPLAYED}); a source that was admitted by it keeps its admission.
 *
 * <p>Progress byte: the steps taken in the low {@value #STEP_BITS} bits, the slot mask above them. Never
 * allocates.
 */
final class TimeDerivedJudge {

    /** Bits of the progress byte that count steps: up to 31, above TimeDerivedSteps.MAX_STEPS (16). */
    static final int STEP_BITS = 5;
    private static final int STEPS = (1 << STEP_BITS) - 1;

    private final SequenceTracker tracker;

    TimeDerivedJudge(SequenceTracker tracker) {
        this.tracker = tracker;
    }

    /** Judges a packet that is a step of a live time step of {@code plan}, on one of its knock addresses. */
    Outcome knock(int s, SequencePlan plan, int id, int family, long hi, long lo, int proto, int value, int port,
                  long now) {
        LiveSteps live = plan.live;
        SourceTable table = tracker.table();
        int stored = id >= 0 ? table.next(id, s) : 0;
        long last = id >= 0 ? table.lastAt(id, s) : 0;
        int mask = stored == 0 ? 0 : live.still(stored >>> STEP_BITS, last);
        int p = mask == 0 ? 0 : stored & STEPS;
        // TCP and UDP only: a resend carries the same source port.
        if (p > 0 && (live.match(p - 1, proto, value) & mask) != 0 && (now - last <= plan.duplicateGraceNanos
                || table.lastPort(id, s) == port && now - last <= plan.resendNanos)) {
            return Outcome.DUPLICATE;
        }
        int expected = p > 0 && p < plan.length ? live.match(p, proto, value) & mask : 0;
        if (expected != 0 && now - last <= plan.stepTimeoutNanos) {
            return advance(s, plan, id, family, hi, lo, p + 1, expected, port, now);
        }
        int first = live.match(0, proto, value);
        if (first != 0) {
            return advance(s, plan, id, family, hi, lo, 1, first, port, now);
        }
        Admissions admissions = tracker.admissionTable();
        boolean listed = admissions.listed(family, hi, lo, s);
        if (p == 0 && !listed) {
            return Outcome.IGNORED;
        }
        tracker.reset(id, s);
        boolean removed = listed && admissions.unlist(family, hi, lo, s, now);
        tracker.events().broken(plan.config, family, hi, lo, expected != 0 ? Break.LATE : Break.WRONG_STEP, removed);
        return Outcome.BROKEN;
    }

    private Outcome advance(int s, SequencePlan plan, int id, int family, long hi, long lo, int next, int mask,
                            int port, long now) {
        Admissions admissions = tracker.admissionTable();
        if (next == plan.length && plan.holdOffNanos > 0 && admissions.holdsOff(family, hi, lo, s, now)) {
            return tracker.scan(s, plan, id, family, hi, lo, Scan.HOLD_OFF, now);
        }
        SourceTable table = tracker.table();
        if (id < 0) {
            id = table.findOrInsert(family, hi, lo);
        } else {
            table.touch(id);
        }
        // Kept after completion too, so that a resend of the last step is known as one.
        table.progress(id, s, next | mask << STEP_BITS, now, port);
        TrackEvents events = tracker.events();
        if (next < plan.length) {
            events.advanced(plan.config, family, hi, lo, next);
            return Outcome.ADVANCED;
        }
        LiveSteps live = plan.live;
        if (live.burned(mask)) {
            events.replayed(plan.config, family, hi, lo, live.timeStep(mask));
            return Outcome.REPLAYED;
        }
        boolean listed = admissions.listed(family, hi, lo, s);
        if (!listed && admissions.listedOn(s, family) >= tracker.listCapacity()) {
            events.refused(plan.config, family, hi, lo, tracker.listCapacity());
            return Outcome.REFUSED;
        }
        admissions.admit(family, hi, lo, s, now, plan.windowNanos, plan.holdOffNanos, tracker.unlisted());
        live.burn(mask);
        events.admitted(plan.config, family, hi, lo, listed, now);
        return Outcome.ADMITTED;
    }
}
