package knock.server.track;

import knock.sequence.Protocol;
import knock.sequence.TimeDerivedSteps;

/**
 * The knocks a time-derived sequence takes now: those of the current time step and of the one before (a
 * client whose clock lags, a knock that spans the change), each in a slot of its own (the time step's parity),
 * with when the slot took that time step and whether its knock was burned (completed once: it opens nothing
 * again). Progress names the slots it follows as a mask, so a knock that fits both time steps so far follows
 * both; progress made before a slot took its present time step no longer counts for that slot.
 *
 * <p>{@link #roll} follows the wall clock: a new time step derives its ports (one HMAC, a few small arrays:
 * once per period, not per packet); everything else is a lookup in two small arrays. Not thread-safe: the
 * tracker's thread owns it, and a reload that keeps the sequence's secret, range, protocols and period hands
 * the same instance to the new plan, so burned knocks stay burned.
 */
final class LiveSteps {

    /** Both slots. */
    static final int BOTH = 0b11;
    private static final long NONE = Long.MIN_VALUE;

    private final TimeDerivedSteps derived;
    private final int length;
    private final int[] protocols;
    /** Per slot (time step parity): the ports of its time step, in step order. */
    private final int[][] ports;
    /** Per slot: the time step it holds, or {@link #NONE}. */
    private final long[] stepOf = {NONE, NONE};
    /** Per slot: when it took that time step ({@link System#nanoTime()} scale). */
    private final long[] since = new long[2];
    private final boolean[] burned = new boolean[2];
    private long current = NONE;
    /** Time steps up to this one count as burned: they were live when the daemon started. */
    private long refusedUpTo = NONE;

    LiveSteps(TimeDerivedSteps derived) {
        this.derived = derived;
        this.length = derived.length();
        this.protocols = new int[length];
        for (int i = 0; i < length; i++) {
            protocols[i] = derived.protocols().get(i).ordinal();
        }
        this.ports = new int[2][length];
    }

    TimeDerivedSteps derived() {
        return derived;
    }

    int length() {
        return length;
    }

    /**
     * Counts the time steps live at {@code unixMillis} as burned: called once the daemon knows the wall clock at
     * start, since a knock used before a restart must not open again after it.
     */
    void refuseLiveAt(long unixMillis) {
        refusedUpTo = derived.timeStep(unixMillis);
    }

    /** Moves to the time step of {@code unixMillis}, deriving the ports of time steps it did not hold. */
    void roll(long unixMillis, long nowNanos) {
        long step = derived.timeStep(unixMillis);
        if (step == current) {
            return;
        }
        current = step;
        take(step, nowNanos);
        take(step - 1, nowNanos);
    }

    private void take(long step, long nowNanos) {
        int slot = (int) (step & 1);
        if (stepOf[slot] == step) {
            return; // the current step of before is the previous one now: same knock, same progress, same burn
        }
        derived.ports(step, ports[slot]);
        stepOf[slot] = step;
        since[slot] = nowNanos;
        burned[slot] = false;
    }

    /** The slots that hold a live time step: none before the first {@link #roll}. */
    int live() {
        return current == NONE ? 0 : BOTH;
    }

    /** The live slots whose step {@code index} is {@code protocol} to port {@code port}. */
    int match(int index, int protocol, int port) {
        if (current == NONE || protocols[index] != protocol) {
            return 0;
        }
        return (ports[0][index] == port ? 1 : 0) | (ports[1][index] == port ? 2 : 0);
    }

    /** Whether {@code protocol} to {@code port} is a step of a live time step. */
    boolean any(int protocol, int port) {
        if (current == NONE) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (protocols[i] == protocol && (ports[0][i] == port || ports[1][i] == port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code protocol} to {@code port} lies within {@code adjacent} of a step of a live time step. */
    boolean near(int protocol, int port, int adjacent) {
        if (current == NONE) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (protocols[i] == protocol && (Math.abs(ports[0][i] - port) <= adjacent
                    || Math.abs(ports[1][i] - port) <= adjacent)) {
                return true;
            }
        }
        return false;
    }

    /** Of the slots in {@code mask}, those that still hold the time step they held at {@code atNanos}. */
    int still(int mask, long atNanos) {
        int kept = 0;
        for (int slot = 0; slot < 2; slot++) {
            if ((mask & (1 << slot)) != 0 && stepOf[slot] != NONE && atNanos - since[slot] >= 0) {
                kept |= 1 << slot;
            }
        }
        return kept;
    }

    /** Whether the knock of a slot in {@code mask} was completed before (or was live at start). */
    boolean burned(int mask) {
        for (int slot = 0; slot < 2; slot++) {
            if ((mask & (1 << slot)) != 0 && stepOf[slot] != NONE && (burned[slot] || stepOf[slot] <= refusedUpTo)) {
                return true;
            }
        }
        return false;
    }

    /** Burns the knocks of the slots in {@code mask}: nothing opens by them again. */
    void burn(int mask) {
        for (int slot = 0; slot < 2; slot++) {
            if ((mask & (1 << slot)) != 0) {
                burned[slot] = true;
            }
        }
    }

    /** The time step of the lowest slot in {@code mask}, for logs. */
    long timeStep(int mask) {
        return stepOf[(mask & 1) != 0 ? 0 : 1];
    }

    /** The protocol ordinal of step {@code index}; {@link Protocol#ICMP} is never one. */
    int protocol(int index) {
        return protocols[index];
    }
}
