package knock.server.daemon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import knock.net.Address;
import knock.server.capture.KnockCapture;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.spa.SpaReceiver;
import knock.server.spa.SpaVerdict;
import knock.server.track.SequenceTracker;

/**
 * The text {@code knock-server status} prints: admitted sources per list with their time left, then the
 * counters. Made on the event loop from its own state, so it is consistent.
 */
final class StatusReport {

    private StatusReport() {
    }

    private record Row(String source, String sequence, long secondsLeft) {
    }

    static String render(ServerConfig config, SequenceTracker tracker, Counters counters, KnockCapture capture,
                         SpaReceiver spa, long startedNanos, long nowNanos) {
        Map<String, List<Row>> byList = new TreeMap<>();
        for (SequenceConfig sequence : config.sequences()) {
            for (int family : new int[] {4, 6}) {
                if (sequence.knocksIn(family)) {
                    byList.putIfAbsent(sequence.list(family), new ArrayList<>());
                }
            }
        }
        tracker.forEachListed((sequence, family, hi, lo, expiresAt) ->
                byList.computeIfAbsent(sequence.list(family), k -> new ArrayList<>()).add(new Row(
                        Address.format(family, hi, lo), sequence.name(),
                        Math.max(0, TimeUnit.NANOSECONDS.toSeconds(expiresAt - nowNanos + 999_999_999)))));
        StringBuilder out = new StringBuilder();
        out.append("knock-server: up ").append(TimeUnit.NANOSECONDS.toSeconds(nowNanos - startedNanos))
                .append("s, config ").append(config.source()).append('\n');
        for (Map.Entry<String, List<Row>> list : byList.entrySet()) {
            List<Row> rows = list.getValue();
            rows.sort(Comparator.comparingLong(Row::secondsLeft).reversed());
            out.append("list ").append(list.getKey()).append(": ").append(rows.size()).append(" admitted\n");
            for (Row row : rows) {
                out.append("  ").append(row.source()).append("  sequence=").append(row.sequence())
                        .append("  left=").append(row.secondsLeft()).append("s\n");
            }
        }
        out.append("counters: knocks=").append(counters.knocks)
                .append(" admits=").append(counters.admits)
                .append(" refusals=").append(counters.refusals)
                .append(" replays=").append(counters.replays)
                .append(" connections=").append(counters.connections)
                .append(" lost=").append(counters.lost)
                .append(" resets=").append(counters.resets)
                .append(" scans=").append(counters.scans)
                .append(" expiries=").append(counters.expiries)
                .append(" evictions=").append(tracker.evictions())
                .append(" list-errors=").append(counters.listErrors).append('\n');
        out.append("capture: packets=").append(capture.packets())
                .append(" ignored=").append(capture.ignored())
                .append(" malformed=").append(capture.malformed())
                .append(" fragments=").append(capture.fragments())
                .append(" dropped=").append(capture.dropped()).append('\n');
        if (spa != null) {
            out.append("spa:");
            for (SpaVerdict verdict : SpaVerdict.values()) {
                out.append(' ').append(verdict.label).append('=').append(spa.count(verdict));
            }
            out.append(" replay-cache=").append(spa.replayEntries()).append('\n');
        }
        out.append("tracked: sources=").append(tracker.trackedSources())
                .append(" max=").append(config.daemon().maxSources())
                .append(" memory=").append(tracker.memoryBytes() / 1024).append("KiB\n");
        return out.toString();
    }
}
