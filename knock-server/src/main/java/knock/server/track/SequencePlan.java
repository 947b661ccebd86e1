package knock.server.track;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import knock.net.Address;
import knock.sequence.Step;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;

/**
 * One sequence of the config flattened into primitive arrays for the per-packet path: steps as
 * (protocol ordinal, value), knock addresses per family as (hi, lo), durations in nanoseconds.
 */
final class SequencePlan {

    /** Progress is a byte per source and sequence. */
    static final int MAX_STEPS = 127;
    private static final long RESEND_SPAN_NANOS = 64_000_000_000L;

    final SequenceConfig config;
    final int length;
    final long stepTimeoutNanos;
    final long duplicateGraceNanos;
    /**
     * How long a resend of the step just taken (TCP or UDP, same source port) is known as one: Linux resends an
     * unanswered SYN after 1, 3, 7, 15, 31 and 63 s (tcp_syn_retries 6).
     */
    final long resendNanos;
    final long windowNanos;
    final long holdOffNanos;
    final int adjacent;
    /** The guarded port: a SYN to it from a listed source is that source using its admission. */
    final int guardPort;
    final boolean otherAddress;
    /** A signed sequence: its knocks are judged by the SPA receiver; the tracker only keeps its admissions. */
    final boolean signed;
    /**
     * The live time steps of a time-derived sequence, {@code null} for fixed steps; handed on to the next plan by
     * a reload that keeps its derivation.
     */
    LiveSteps live;
    private final int[] protocols;
    private final int[] values;
    private final long[] knock4;
    private final long[] knock6Hi;
    private final long[] knock6Lo;

    SequencePlan(SequenceConfig config, ServerConfig.Daemon daemon) {
        this.config = config;
        List<Step> steps = config.sequence().steps();
        if (steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("sequence " + config.name() + ": " + steps.size()
                    + " steps (expected: at most " + MAX_STEPS + ")");
        }
        if (config.sequence().timeDerived()) {
            live = new LiveSteps(config.sequence().derived());
        }
        length = config.sequence().length();
        protocols = new int[steps.size()];
        values = new int[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            protocols[i] = steps.get(i).protocol().ordinal();
            values[i] = steps.get(i).value();
        }
        stepTimeoutNanos = config.sequence().stepTimeout().toNanos();
        duplicateGraceNanos = daemon.duplicateGrace().toNanos();
        resendNanos = Math.max(duplicateGraceNanos, RESEND_SPAN_NANOS);
        windowNanos = config.window().toNanos();
        holdOffNanos = config.scanGuard().holdOff().toNanos();
        adjacent = config.scanGuard().adjacent();
        guardPort = config.guardPort();
        otherAddress = config.scanGuard().otherAddress();
        signed = config.signed();
        List<InetAddress> v4 = config.knockAddresses(4);
        knock4 = new long[v4.size()];
        for (int i = 0; i < knock4.length; i++) {
            knock4[i] = Address.lo(v4.get(i));
        }
        List<InetAddress> v6 = config.knockAddresses(6);
        knock6Hi = new long[v6.size()];
        knock6Lo = new long[v6.size()];
        for (int i = 0; i < knock6Hi.length; i++) {
            knock6Hi[i] = Address.hi(v6.get(i));
            knock6Lo[i] = Address.lo(v6.get(i));
        }
    }

    /** Whether the sequence takes knocks in the family (it has a knock address there). */
    boolean knocksIn(int family) {
        return family == 4 ? knock4.length > 0 : knock6Hi.length > 0;
    }

    boolean stepIs(int index, int protocol, int value) {
        return protocols[index] == protocol && values[index] == value;
    }

    /** A step of the sequence: fixed, or of a live time step. */
    boolean anyStep(int protocol, int value) {
        if (live != null) {
            return live.any(protocol, value);
        }
        for (int i = 0; i < length; i++) {
            if (protocols[i] == protocol && values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Within {@link #adjacent} of a step of the same protocol; callers rule out an exact step first. */
    boolean nearStep(int protocol, int value) {
        if (live != null) {
            return live.near(protocol, value, adjacent);
        }
        for (int i = 0; i < length; i++) {
            if (protocols[i] == protocol && Math.abs(values[i] - value) <= adjacent) {
                return true;
            }
        }
        return false;
    }

    boolean knockAddress(int family, long hi, long lo) {
        if (family == 4) {
            for (long a : knock4) {
                if (a == lo) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < knock6Hi.length; i++) {
            if (knock6Hi[i] == hi && knock6Lo[i] == lo) {
                return true;
            }
        }
        return false;
    }

    /** Same knock, so progress carries over a config reload (and a time-derived one's live steps and burns). */
    boolean sameSteps(SequencePlan other) {
        return config.sequence().steps().equals(other.config.sequence().steps())
                && Objects.equals(config.sequence().derived(), other.config.sequence().derived());
    }
}
