package knock.server.daemon;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import knock.KnockException;
import knock.config.Durations;
import knock.net.Address;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.recent.RecentList;
import knock.server.track.Break;
import knock.server.track.Scan;
import knock.server.track.TrackEvents;

/**
 * Carries out the tracker's decisions on the kernel's xt_recent lists and logs each one as a single line.
 * A failed write (the ruleset was flushed under us) is logged and counted; the daemon keeps its own state and
 * the next write tries again. Sources that were neither listed nor in progress are hostile noise: debug only.
 */
final class KernelLists implements TrackEvents {

    private static final Logger LOG = System.getLogger("knock.server");

    private final Path directory;
    private final Path configFile;
    private final Counters counters;
    private final Map<String, RecentList> lists = new HashMap<>();
    /** Lists found full since they last had room: warned once, then each refusal at debug. */
    private final Set<String> full = new HashSet<>();
    /** Per time-derived sequence, the time step whose replay was last warned about (a holder: no boxing). */
    private final Map<String, long[]> replayWarned = new HashMap<>();

    KernelLists(Path directory, Path configFile, Counters counters) {
        this.directory = directory;
        this.configFile = configFile;
        this.counters = counters;
    }

    RecentList list(String name) {
        return lists.computeIfAbsent(name, n -> new RecentList(directory, n, configFile));
    }

    /** Releases the descriptors of lists no sequence of {@code config} names any more (after a reload). */
    void keepOnly(ServerConfig config) {
        Set<String> named = new HashSet<>();
        for (SequenceConfig sequence : config.sequences()) {
            named.add(sequence.list4());
            named.add(sequence.list6());
        }
        lists.entrySet().removeIf(entry -> {
            if (named.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    /** Releases every list's descriptor (the daemon is stopping). */
    void close() {
        lists.values().forEach(RecentList::close);
        lists.clear();
    }

    @Override
    public void advanced(SequenceConfig sequence, int family, long hi, long lo, int stepsTaken) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "step src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " step=" + stepsTaken + "/" + sequence.sequence().length());
        }
    }

    @Override
    public void admitted(SequenceConfig sequence, int family, long hi, long lo, boolean refreshed,
                         long packetNanos) {
        counters.admits++;
        String list = sequence.list(family);
        if (write(list, true, family, hi, lo)) {
            // From the last packet's receipt in user space to the kernel list holding the source.
            long latencyMicros = (System.nanoTime() - packetNanos) / 1000;
            LOG.log(Level.INFO, "open src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " list=" + list + " window=" + Durations.text(sequence.window()) + (refreshed ? " refreshed" : "")
                    + " latency=" + latencyMicros + "us");
        }
    }

    @Override
    public void refused(SequenceConfig sequence, int family, long hi, long lo, int capacity) {
        counters.refusals++;
        String list = sequence.list(family);
        // One warning when a list fills (a flood of completions may follow), then debug.
        Level level = full.add(list) ? Level.WARNING : Level.DEBUG;
        if (LOG.isLoggable(level)) {
            LOG.log(level, "refuse src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " list=" + list + " reason=list-full entries=" + capacity
                    + " (xt_recent ip_list_tot; admitted sources keep their window)");
        }
    }

    @Override
    public void replayed(SequenceConfig sequence, int family, long hi, long lo, long timeStep) {
        counters.replays++;
        // A warning for the first replay of each knock (someone sniffed it, or a user knocked twice), then debug:
        // spoofed sources may replay it many times.
        long[] warned = replayWarned.computeIfAbsent(sequence.name(), name -> new long[] {Long.MIN_VALUE});
        Level level = warned[0] != timeStep ? Level.WARNING : Level.DEBUG;
        warned[0] = timeStep;
        if (LOG.isLoggable(level)) {
            LOG.log(level, "replay src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " time-step=" + timeStep + " action=none (a time-derived knock opens once)");
        }
    }

    @Override
    public void connected(SequenceConfig sequence, int family, long hi, long lo) {
        counters.connections++;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "connect src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " port=" + sequence.guardPort() + " hold-off=ended");
        }
    }

    @Override
    public void broken(SequenceConfig sequence, int family, long hi, long lo, Break reason, boolean removed) {
        counters.resets++;
        reset("reset", " reason=", reason.label(), Level.INFO, sequence, family, hi, lo, removed);
    }

    @Override
    public void scanned(SequenceConfig sequence, int family, long hi, long lo, Scan kind, boolean removed) {
        counters.scans++;
        reset("scan", " kind=", kind.label(), Level.WARNING, sequence, family, hi, lo, removed);
    }

    /**
     * Takes a source that broke or scanned off its list if it was on it, and logs that at {@code level}; a source
     * that was not listed is hostile noise, logged at debug. Builds no string unless the line is logged.
     */
    private void reset(String event, String key, String why, Level level, SequenceConfig sequence, int family,
                       long hi, long lo, boolean removed) {
        if (removed) {
            unlisted(sequence, family, hi, lo);
        }
        Level at = removed ? level : Level.DEBUG;
        if (LOG.isLoggable(at)) {
            LOG.log(at, event + " src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name() + key
                    + why + (removed ? " action=removed list=" + sequence.list(family) : ""));
        }
    }

    @Override
    public void expired(SequenceConfig sequence, int family, long hi, long lo, boolean early) {
        counters.expiries++;
        String list = sequence.list(family);
        full.remove(list);
        if (write(list, false, family, hi, lo)) {
            LOG.log(Level.INFO, "expire src=" + Address.format(family, hi, lo) + " sequence=" + sequence.name()
                    + " list=" + list + (early ? " early" : ""));
        }
    }

    /** A listed source came off early (break or scan): the list has room again. */
    private void unlisted(SequenceConfig sequence, int family, long hi, long lo) {
        full.remove(sequence.list(family));
        write(sequence.list(family), false, family, hi, lo);
    }

    private boolean write(String name, boolean add, int family, long hi, long lo) {
        try {
            RecentList list = list(name);
            if (add) {
                list.add(family, hi, lo);
            } else {
                list.remove(family, hi, lo);
            }
            return true;
        } catch (KnockException e) {
            counters.listErrors++;
            LOG.log(Level.ERROR, (add ? "add" : "remove") + " failed src=" + Address.format(family, hi, lo)
                    + " list=" + name + ": " + e.getMessage());
            return false;
        }
    }
}
