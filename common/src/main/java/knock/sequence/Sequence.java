package knock.sequence;

import java.time.Duration;
import java.util.List;

/**
 * The ordered steps that admit a source, with the longest pause allowed between two steps. Any break (a wrong
 * step, a missed deadline) starts the source over from the first step.
 */
public record Sequence(String name, List<Step> steps, Duration stepTimeout) {

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
