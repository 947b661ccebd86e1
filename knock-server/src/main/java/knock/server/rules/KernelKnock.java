package knock.server.rules;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import knock.sequence.Step;
import knock.server.config.SequenceConfig.ScanGuard;
import knock.server.config.SequenceConfig;

/**
 * The recipe's knock done by netfilter alone, for one sequence and family. One xt_recent list per step
 * ({@code LIST.1}, {@code LIST.2}, ...; the last step sets the guarded list itself) and a hold-off list
 * ({@code LIST.hold}). In chain {@code knock-NAME}, first match wins:
 * <ol>
 * <li>step k (k &gt; 1) on a knock address from a source on list k-1 within the step timeout: go to the step's
 * chain, which resets and sets list k; steps are tried last to first, so a port used twice advances;</li>
 * <li>step 1 on a knock address: start over at step 1;</li>
 * <li>anything else near a knock port (the port itself on another address, its neighbours within
 * scan-adjacent on any address): the source leaves every list of the sequence ("any break closes ALL").</li>
 * </ol>
 * The last step's chain checks the hold-off list <em>before</em> it sets the guarded list: the recipe's
 * {@code -m limit} placed after {@code --set} limits nothing, and is global besides (one stranger uses it up for
 * everyone); a per-source list keeps the intent. Step chains are entered with {@code -g}, so a packet that took
 * a step returns to INPUT and is not also taken for a break.
 */
final class KernelKnock {

    private KernelKnock() {
    }

    static String chain(SequenceConfig sequence) {
        return "knock-" + sequence.name();
    }

    /** The list a source is on after step {@code index} (0-based); the last step's is the guarded list. */
    static String stepList(SequenceConfig sequence, int family, int index) {
        String list = sequence.list(family);
        return index == sequence.sequence().length() - 1 ? list : list + "." + (index + 1);
    }

    static String holdList(SequenceConfig sequence, int family) {
        return sequence.list(family) + ".hold";
    }

    static void add(Ruleset ruleset, SequenceConfig sequence) {
        Dialect d = ruleset.dialect();
        int family = ruleset.family();
        List<Step> steps = sequence.sequence().steps();
        List<InetAddress> knockAddresses = sequence.knockAddresses(family);
        ScanGuard scan = sequence.scanGuard();
        String chain = chain(sequence);
        String reset = chain + "-reset";
        long stepSeconds = seconds(ruleset, sequence.sequence().stepTimeout());

        ruleset.chain(chain);
        ruleset.chain(reset);
        for (int i = 0; i < steps.size(); i++) {
            ruleset.chain(chain + "-" + (i + 1));
        }
        // Knocks are judged before the guarded port and before the DROP policy; RELATED,ESTABLISHED came first.
        ruleset.rule("-A INPUT -j " + chain);
        if (family == 6) {
            // INPUT sees a packet whose routing header names the box as a mere waypoint (segments left), but the
            // kernel forwards it, never delivers it: it is no knock and no scan, as the daemon's decoder says too.
            ruleset.rule("-A " + chain + " -m rt --rt-segsleft 1:255 -j RETURN");
        }

        for (int i = steps.size() - 1; i >= 0; i--) {
            Step step = steps.get(i);
            String previous = i == 0 ? ""
                    : " -m recent --rcheck --seconds " + stepSeconds + " --name " + stepList(sequence, family, i - 1)
                    + " --rsource";
            for (InetAddress address : knockAddresses) {
                ruleset.rule("-A " + chain + " -d " + d.host(address) + " " + d.match(step, step.value(), step.value())
                        + previous + " -g " + chain + "-" + (i + 1));
            }
        }
        for (Step step : steps) {
            int v = step.value();
            int a = scan.adjacent();
            if (a > 0 && v > Dialect.minValue(step)) {
                ruleset.rule("-A " + chain + " " + d.match(step, Math.max(Dialect.minValue(step), v - a), v - 1)
                        + " -g " + reset);
            }
            if (a > 0 && v < Dialect.maxValue(step)) {
                ruleset.rule("-A " + chain + " " + d.match(step, v + 1, Math.min(Dialect.maxValue(step), v + a))
                        + " -g " + reset);
            }
            if (scan.otherAddress()) {
                ruleset.rule("-A " + chain + " " + d.match(step, v, v) + " -g " + reset);
            } else {
                for (InetAddress address : knockAddresses) {
                    ruleset.rule("-A " + chain + " -d " + d.host(address) + " " + d.match(step, v, v) + " -g " + reset);
                }
            }
        }

        for (int i = 0; i < steps.size(); i++) {
            String stepChain = chain + "-" + (i + 1);
            boolean last = i == steps.size() - 1;
            if (last && !scan.holdOff().isZero()) {
                ruleset.rule("-A " + stepChain + " -m recent --rcheck --seconds " + seconds(ruleset, scan.holdOff())
                        + " --name " + holdList(sequence, family) + " --rsource -g " + reset);
            }
            ruleset.rule("-A " + stepChain + " -j " + reset);
            ruleset.rule("-A " + stepChain + " -m recent --set --name " + stepList(sequence, family, i) + " --rsource");
            if (last && !scan.holdOff().isZero()) {
                ruleset.rule("-A " + stepChain + " -m recent --set --name " + holdList(sequence, family) + " --rsource");
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            ruleset.rule("-A " + reset + " -m recent --remove --name " + stepList(sequence, family, i) + " --rsource");
        }
    }

    /**
     * The longest {@code --seconds} the kernel counts right: xt_recent computes {@code info->seconds * HZ} in 32
     * bits (xt_recent.c recent_mt), so a value wraps above 2^32 / HZ seconds: about 199 days at HZ=250 and 49.7
     * days at HZ=1000, the highest HZ of common kernels (Ubuntu's since 24.04). A wrapped value makes a long
     * window or hold-off a short one, or one of a few seconds match for days.
     */
    static final long MAX_SECONDS = (1L << 32) / 1000 - 1;

    /**
     * {@code duration} as xt_recent's {@code --seconds}: whole seconds rounded up, so a window is never shorter
     * than asked, but at most {@link #MAX_SECONDS}; a longer duration is cut there (fail closed: an admission or
     * hold-off that ends early, never one that wraps).
     */
    static long seconds(Duration duration) {
        long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
        return Math.min(seconds, MAX_SECONDS);
    }

    /** {@link #seconds(Duration)}, and a comment in the ruleset when the duration was cut. */
    static long seconds(Ruleset ruleset, Duration duration) {
        long seconds = seconds(duration);
        if (duration.compareTo(Duration.ofSeconds(MAX_SECONDS)) > 0) {
            ruleset.comment(duration.toSeconds() + "s cut to " + MAX_SECONDS
                    + "s: xt_recent's --seconds wraps beyond 2^32/HZ");
        }
        return seconds;
    }
}
