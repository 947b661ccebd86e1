package knock.sequence;

import java.time.Duration;
import java.util.List;

/**
 * The ordered steps that admit a source, with the longest pause allowed between two steps. Any break (a wrong
 * step, a missed deadline) starts the source over from the first step.
 *
 * <p>A sequence has either fixed {@code steps} or, time-derived, no fixed steps and a {@code derived} rule whose
 * ports change every period ({@link TimeDerivedSteps}); {@link #length()} counts the steps of either kind. Code
 * that walks {@link #steps()} sees none for a time-derived sequence: it must ask {@link #derived()}.
 *
 * @param derived the rule of a time-derived sequence, or {@code null} for fixed steps
 */
public record Sequence(String name, List<Step> steps, Duration stepTimeout, TimeDerivedSteps derived) {

    /**
     * Most steps in one sequence, for the server's config and the client's profiles alike. The daemon keeps a
     * source's progress in a signed byte (at most 127 steps), and kernel mode spends one xt_recent list and one
     * chain per step and family; no one types a knock of more than a handful of steps, so 64 leaves room and
     * keeps the ruleset small.
     */
    public static final int MAX_STEPS = 64;

    public Sequence {
        steps = List.copyOf(steps);
        if (steps.isEmpty() && derived == null) {
            throw new IllegalArgumentException("sequence " + name + ": no steps (expected: at least one)");
        }
        if (!steps.isEmpty() && derived != null) {
            throw new IllegalArgumentException("sequence " + name + ": fixed steps and time-derived ones (expected: "
                    + "either)");
        }
        if (stepTimeout.isNegative() || stepTimeout.isZero()) {
            throw new IllegalArgumentException("step-timeout " + stepTimeout + " (expected: > 0)");
        }
    }

    /** A sequence of fixed steps. */
    public Sequence(String name, List<Step> steps, Duration stepTimeout) {
        this(name, steps, stepTimeout, null);
    }

    /** Whether the steps are time-derived ({@link #derived()}) rather than fixed. */
    public boolean timeDerived() {
        return derived != null;
    }

    public int length() {
        return derived != null ? derived.length() : steps.size();
    }

    /** Fixed step {@code index}; a time-derived sequence has none. */
    public Step step(int index) {
        return steps.get(index);
    }
}
