package knock.sequence;

import java.time.Duration;
import java.util.List;

/**
 * The ordered steps that admit a source, with the longest pause allowed between two steps. Any break (a wrong
 * step, a missed deadline) starts the source over from the first step.
 */
public record Sequence(String name, List<Step> steps, Duration stepTimeout) {

    /**
     * Most steps in one sequence, for the server's config and the client's profiles alike. The daemon keeps a
     * source's progress in a signed byte (at most 127 steps), and kernel mode spends one xt_recent list and one
     * chain per step and family; no one types a knock of more than a handful of steps, so 64 leaves room and
     * keeps the ruleset small.
     */
    public static final int MAX_STEPS = 64;

    public Sequence {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("sequence " + name + ": no steps (expected: at least one)");
        }
        if (stepTimeout.isNegative() || stepTimeout.isZero()) {
            throw new IllegalArgumentException("step-timeout " + stepTimeout + " (expected: > 0)");
        }
    }

    public int length() {
        return steps.size();
    }

    public Step step(int index) {
        return steps.get(index);
    }
}
