package knock.server.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;

/**
 * Daemon mode's eyes: NFLOG rules in INPUT that copy every packet a sequence could care about to the daemon's
 * nflog group ({@code [server] nflog-group}). NFLOG does not end the rule walk, so the packet goes on to the
 * guard chains and the DROP policy as if these rules were not there. Copied are TCP SYNs (no ACK, RST or FIN,
 * as kernel mode matches them) and UDP datagrams to every knock port and its {@code scan-adjacent} neighbours
 * (for a time-derived sequence, its whole port range and the range's neighbours; ranges merged across sequences,
 * one rule each), and ICMP or ICMPv6 echo requests when any step is ICMP; per
 * family only the sequences that knock there. No destination match: a knock port hit on another address of the
 * box is the scan guard's business.
 *
 * <p>Placed where kernel mode's knock chains go: after loopback and RELATED,ESTABLISHED (whose conntrack match
 * also turns on the namespace's defragmentation, so these rules see whole packets) and before the guard chains.
 */
final class KnockLog {

    private KnockLog() {
    }

    static void add(Ruleset ruleset, ServerConfig config) {
        int family = ruleset.family();
        List<SequenceConfig> sequences = config.sequences().stream().filter(s -> s.knocksIn(family)).toList();
        if (sequences.isEmpty()) {
            return;
        }
        String log = " -j NFLOG --nflog-group " + config.daemon().nflogGroup();
        for (int[] r : ranges(sequences, Protocol.TCP)) {
            ruleset.rule("-A INPUT -p tcp -m tcp --dport " + range(r) + " --tcp-flags SYN,RST,ACK,FIN SYN" + log);
        }
        for (int[] r : ranges(sequences, Protocol.UDP)) {
            ruleset.rule("-A INPUT -p udp -m udp --dport " + range(r) + log);
        }
        boolean icmp = sequences.stream()
                .anyMatch(s -> s.sequence().steps().stream().anyMatch(st -> st.protocol() == Protocol.ICMP));
        if (icmp) {
            ruleset.rule(ruleset.dialect() == Dialect.V4 ? "-A INPUT -p icmp -m icmp --icmp-type 8" + log
                    : "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128" + log);
        }
    }

    private static String range(int[] r) {
        return r[0] == r[1] ? Integer.toString(r[0]) : r[0] + ":" + r[1];
    }

    /** The merged port ranges [port - adjacent, port + adjacent] of all steps of {@code protocol}, ascending. */
    static List<int[]> ranges(List<SequenceConfig> sequences, Protocol protocol) {
        List<int[]> all = new ArrayList<>();
        for (SequenceConfig s : sequences) {
            int adjacent = s.scanGuard().adjacent();
            TimeDerivedSteps derived = s.sequence().derived();
            if (derived != null && derived.protocols().contains(protocol)) {
                // Its ports change every period: the whole range, as any step's neighbours.
                PortRange range = derived.range();
                all.add(new int[] {Math.max(1, range.first() - adjacent), Math.min(65535, range.last() + adjacent)});
            }
            for (Step step : s.sequence().steps()) {
                if (step.protocol() == protocol) {
                    all.add(new int[] {Math.max(1, step.value() - adjacent), Math.min(65535, step.value() + adjacent)});
                }
            }
        }
        all.sort(Comparator.comparingInt(r -> r[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : all) {
            int[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        return merged;
    }
}
