package knock.server.track;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import knock.sequence.Protocol;
import knock.server.Knock;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;

/**
 * The daemon's decisions: moves each source along the config's sequences packet by packet, admits it when it
 * completes one, and breaks or scan-removes it per the port-knocking recipe. Acts only through
 * {@link TrackEvents}; writes nothing itself.
 *
 * <p>Per sequence and packet, in order: a SYN to the guarded port from a listed source is a connection (its
 * admission was used, its hold-off ends); a step on another address or a neighbour of a step is a scan (reset
 * and, if listed, removal); a repeat of the step just taken is ignored when it is a resend of the same packet
 * (same source port: a SYN retransmit comes 1, 3, 7... s later) while the progress stands, or any repeat
 * within the duplicate grace; the expected next step in time advances (the last one admits, unless within the
 * hold-off of a previous admission that was never used: a scan; or unless the list is full: refused); step 1
 * restarts; any other step on a knock address, or the expected one too late, breaks the source if it had
 * progress or is listed.
 *
 * <p>A time-derived sequence's steps are those of its live time steps ({@link TimeDerivedJudge}): the tracker
 * follows the wall clock for them, which the caller gives with {@link #wallClock} at start and before each
 * packet; until then such a sequence takes no knock.
 *
 * <p>Drive it from one thread: {@link #judge} per packet addressed to the box (allocation-free once the table
 * has grown), {@link #expire} when {@link #nextDeadline()} is due, {@link #adopt} at start for each entry found
 * on the lists, {@link #reconfigure} on reload. Time is always the caller's {@link System#nanoTime()}.
 */
public final class SequenceTracker {

    private static final int ICMP = Protocol.ICMP.ordinal();

    private final TrackEvents events;
    private final Admissions.Unlisted unlisted = this::unlisted;
    private SequencePlan[] plans;
    private SourceTable table;
    private Admissions admissions;
    /** Entries each kernel list keeps (xt_recent's {@code ip_list_tot}); admissions stop there. */
    private int listCapacity;
    /** Evictions of tables replaced by {@link #reconfigure}. */
    private long evictedBefore;
    private final TimeDerivedJudge timeDerived = new TimeDerivedJudge(this);
    /** The wall clock (Unix milliseconds) at {@link #wallNanos}: time-derived sequences follow it. */
    private long wallMillis;
    private long wallNanos;
    private boolean wallKnown;

    /** A tracker whose lists never fill (tests, benchmarks). */
    public SequenceTracker(ServerConfig config, TrackEvents events) {
        this(config, events, Integer.MAX_VALUE);
    }

    /**
     * @param listCapacity entries the kernel keeps per list (xt_recent's {@code ip_list_tot}): past it the kernel
     *     silently evicts the oldest entry, so the tracker refuses new admissions instead
     */
    public SequenceTracker(ServerConfig config, TrackEvents events, int listCapacity) {
        this.events = events;
        this.plans = plans(config);
        this.listCapacity = listCapacity;
        int max = config.daemon().maxSources();
        this.table = new SourceTable(max, plans.length);
        this.admissions = new Admissions(max, plans.length);
    }

    private static SequencePlan[] plans(ServerConfig config) {
        List<SequenceConfig> sequences = config.sequences();
        SequencePlan[] p = new SequencePlan[sequences.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = new SequencePlan(sequences.get(i), config.daemon());
        }
        return p;
    }

    /**
     * Judges one packet addressed to this box against every sequence; the most severe outcome wins. Never
     * allocates once the tables have grown.
     */
    public Outcome judge(Knock knock) {
        int family = knock.family();
        if (family != 4 && family != 6) {
            return Outcome.IGNORED;
        }
        long srcHi = knock.srcHi();
        long srcLo = knock.srcLo();
        int proto = knock.protocol().ordinal();
        int value = knock.value();
        long now = knock.receivedNanos();
        Outcome result = Outcome.IGNORED;
        int id = -1;
        boolean looked = false;
        for (int s = 0; s < plans.length; s++) {
            SequencePlan plan = plans[s];
            if (!plan.knocksIn(family)) {
                continue;
            }
            if (plan.live != null && wallKnown) {
                plan.live.roll(wallMillis + Math.floorDiv(now - wallNanos, 1_000_000L), now);
            }
            if (knock.protocol() == Protocol.TCP && value == plan.guardPort) {
                // Only a listed source's connection is logged to us by the guard chain; anyone else's is noise.
                if (admissions.use(family, srcHi, srcLo, s)) {
                    events.connected(plan.config, family, srcHi, srcLo);
                    result = result.max(Outcome.CONNECTED);
                }
                continue;
            }
            if (plan.signed) {
                continue; // its datagrams go to the SPA receiver, which calls admitSigned
            }
            ScanGuard.Hit hit = ScanGuard.classify(plan, family, knock.dstHi(), knock.dstLo(), proto, value);
            if (hit == ScanGuard.Hit.NONE) {
                continue;
            }
            if (!looked) {
                id = table.find(family, srcHi, srcLo);
                looked = true;
            }
            Outcome o;
            if (hit == ScanGuard.Hit.KNOCK && plan.live != null) {
                o = timeDerived.knock(s, plan, id, family, srcHi, srcLo, proto, value, knock.srcPort(), now);
            } else if (hit == ScanGuard.Hit.KNOCK) {
                o = knock(s, plan, id, family, srcHi, srcLo, proto, value, knock.srcPort(), now);
            } else {
                o = scan(s, plan, id, family, srcHi, srcLo,
                        hit == ScanGuard.Hit.ADJACENT ? Scan.ADJACENT : Scan.OTHER_ADDRESS, now);
            }
            // Progress may have created, touched or freed the entry: look again for the next sequence.
            if (o != Outcome.IGNORED && o != Outcome.DUPLICATE) {
                looked = false;
            }
            result = result.max(o);
        }
        return result;
    }

    private Outcome knock(int s, SequencePlan plan, int id, int family, long hi, long lo, int proto, int value,
                          int port, long now) {
        int p = id >= 0 ? table.next(id, s) : 0;
        long last = id >= 0 ? table.lastAt(id, s) : 0;
        if (p > 0 && plan.stepIs(p - 1, proto, value) && (now - last <= plan.duplicateGraceNanos
                || proto != ICMP && table.lastPort(id, s) == port && now - last <= plan.resendNanos)) {
            return Outcome.DUPLICATE;
        }
        boolean expected = p < plan.length && plan.stepIs(p, proto, value);
        if (expected && (p == 0 || now - last <= plan.stepTimeoutNanos)) {
            return advance(s, plan, id, family, hi, lo, p + 1, port, now);
        }
        if (plan.stepIs(0, proto, value)) {
            return advance(s, plan, id, family, hi, lo, 1, port, now);
        }
        boolean listed = admissions.listed(family, hi, lo, s);
        if (p == 0 && !listed) {
            return Outcome.IGNORED;
        }
        reset(id, s);
        boolean removed = listed && admissions.unlist(family, hi, lo, s, now);
        events.broken(plan.config, family, hi, lo, expected ? Break.LATE : Break.WRONG_STEP, removed);
        return Outcome.BROKEN;
    }

    private Outcome advance(int s, SequencePlan plan, int id, int family, long hi, long lo, int next, int port,
                            long now) {
        if (next == plan.length && plan.holdOffNanos > 0 && admissions.holdsOff(family, hi, lo, s, now)) {
            return scan(s, plan, id, family, hi, lo, Scan.HOLD_OFF, now);
        }
        if (id < 0) {
            id = table.findOrInsert(family, hi, lo);
        } else {
            table.touch(id);
        }
        // Kept after completion too, so that a resend of the last step is known as one.
        table.progress(id, s, next, now, port);
        if (next < plan.length) {
            events.advanced(plan.config, family, hi, lo, next);
            return Outcome.ADVANCED;
        }
        boolean listed = admissions.listed(family, hi, lo, s);
        if (!listed && admissions.listedOn(s, family) >= listCapacity) {
            events.refused(plan.config, family, hi, lo, listCapacity);
            return Outcome.REFUSED;
        }
        admissions.admit(family, hi, lo, s, now, plan.windowNanos, plan.holdOffNanos, unlisted);
        events.admitted(plan.config, family, hi, lo, listed, now);
        return Outcome.ADMITTED;
    }

    /**
     * Admits a source whose signed knock for {@code sequence} checked out: a fresh window, no hold-off (each
     * signed knock is new, so a second one soon after is a user's next ssh, not a replay). Returns
     * {@link Outcome#ADMITTED}, {@link Outcome#REFUSED} when the list is full, or {@link Outcome#IGNORED} for a
     * sequence this tracker does not know as signed.
     */
    public Outcome admitSigned(String sequence, int family, long hi, long lo, long nowNanos) {
        int s = indexOf(sequence);
        if (s < 0 || !plans[s].signed) {
            return Outcome.IGNORED;
        }
        SequencePlan plan = plans[s];
        boolean listed = admissions.listed(family, hi, lo, s);
        if (!listed && admissions.listedOn(s, family) >= listCapacity) {
            events.refused(plan.config, family, hi, lo, listCapacity);
            return Outcome.REFUSED;
        }
        admissions.admit(family, hi, lo, s, nowNanos, plan.windowNanos, 0, unlisted);
        events.admitted(plan.config, family, hi, lo, listed, nowNanos);
        return Outcome.ADMITTED;
    }

    Outcome scan(int s, SequencePlan plan, int id, int family, long hi, long lo, Scan kind, long now) {
        reset(id, s);
        boolean removed = admissions.unlist(family, hi, lo, s, now);
        events.scanned(plan.config, family, hi, lo, kind, removed);
        return Outcome.SCAN;
    }

    /** Clears the source's progress in one sequence, dropping the entry when none is left. */
    void reset(int id, int s) {
        if (id >= 0) {
            table.reset(id, s);
            if (table.idle(id)) {
                table.remove(id);
            }
        }
    }

    private void unlisted(int family, long hi, long lo, int sequence, boolean early) {
        events.expired(plans[sequence].config, family, hi, lo, early);
    }

    // For TimeDerivedJudge: the tables change at reconfigure, so it asks each time.

    SourceTable table() {
        return table;
    }

    Admissions admissionTable() {
        return admissions;
    }

    TrackEvents events() {
        return events;
    }

    Admissions.Unlisted unlisted() {
        return unlisted;
    }

    int listCapacity() {
        return listCapacity;
    }

    /**
     * The wall clock: {@code unixMillis} (Unix time) was read at {@code atNanos} ({@link System#nanoTime()}).
     * Time-derived sequences take their time steps from it; call it at start and before each packet (cheap, no
     * allocation), so that a clock set or stepped (NTP at boot) is followed at once. The first call counts the
     * time steps live then as burned: a knock used before a restart opens nothing after it.
     */
    public void wallClock(long unixMillis, long atNanos) {
        if (!wallKnown) {
            for (SequencePlan plan : plans) {
                if (plan.live != null) {
                    plan.live.refuseLiveAt(unixMillis);
                }
            }
        }
        wallMillis = unixMillis;
        wallNanos = atNanos;
        wallKnown = true;
    }

    /** Whether a sequence is time-derived, so the caller must give the {@link #wallClock}. */
    public boolean timeDerived() {
        return Arrays.stream(plans).anyMatch(plan -> plan.live != null);
    }

    /**
     * Adopts a source found on the sequence's list at start: its age is unknown, so it gets a fresh full window
     * (never forever) and no hold-off. Returns false for a sequence this tracker does not know.
     */
    public boolean adopt(SequenceConfig sequence, int family, long hi, long lo, long nowNanos) {
        int s = indexOf(sequence.name());
        if (s < 0) {
            return false;
        }
        admissions.adopt(family, hi, lo, s, nowNanos, plans[s].windowNanos, unlisted);
        return true;
    }

    /**
     * Forgets a listed source the kernel list no longer holds (the ruleset was reloaded, someone wrote {@code -ADDR}
     * or {@code /}), so that nothing claims an entry the kernel lacks. Returns whether it was listed.
     */
    public boolean forget(SequenceConfig sequence, int family, long hi, long lo, long nowNanos) {
        int s = indexOf(sequence.name());
        return s >= 0 && admissions.unlist(family, hi, lo, s, nowNanos);
    }

    /** Changes how many entries each kernel list keeps (read again at reload); admitted sources stay. */
    public void listCapacity(int entries) {
        listCapacity = entries;
    }

    /** Ends every window due by {@code nowNanos}, calling {@link TrackEvents#expired} for each. */
    public void expire(long nowNanos) {
        admissions.expire(nowNanos, unlisted);
    }

    /** Whether any window or hold-off is pending, so {@link #nextDeadline()} means something. */
    public boolean hasDeadline() {
        return admissions.hasDeadline();
    }

    /**
     * When {@link #expire} next has work (a window or hold-off end, {@link System#nanoTime()} scale); only
     * meaningful when {@link #hasDeadline()}. It moves earlier only through an admission or adoption.
     */
    public long nextDeadline() {
        return admissions.nextDeadline();
    }

    /**
     * Switches to a new config, keeping what still applies: progress in sequences whose name and steps are
     * unchanged; admissions and hold-offs of sequences whose name and list are unchanged. A listed source whose
     * sequence is gone or whose list was renamed is reported {@link TrackEvents#expired expired} (early) against
     * the old sequence, so it comes off the old list. A smaller max-sources evicts the oldest progress.
     */
    public void reconfigure(ServerConfig config, long nowNanos) {
        SequencePlan[] old = plans;
        SequencePlan[] next = plans(config);
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < next.length; i++) {
            byName.put(next[i].config.name(), i);
        }
        int[] progressMap = new int[old.length];
        int[] admissionMap = new int[old.length];
        for (int i = 0; i < old.length; i++) {
            Integer j = byName.get(old[i].config.name());
            progressMap[i] = j != null && old[i].sameSteps(next[j]) ? j : -1;
            admissionMap[i] = j != null ? j : -1;
            if (progressMap[i] >= 0 && old[i].live != null) {
                next[j].live = old[i].live; // the same knocks: burned ones stay burned
            }
        }
        int max = config.daemon().maxSources();

        SourceTable from = table;
        evictedBefore += from.evictions();
        SourceTable to = new SourceTable(max, next.length);
        for (int id = from.oldest(); id >= 0; id = from.newer(id)) {
            int copy = -1;
            for (int s = 0; s < old.length; s++) {
                int t = progressMap[s];
                if (t >= 0 && from.next(id, s) != 0) {
                    if (copy < 0) {
                        copy = to.findOrInsert(from.family(id), from.hi(id), from.lo(id));
                    }
                    to.progress(copy, t, from.next(id, s), from.lastAt(id, s), from.lastPort(id, s));
                }
            }
        }

        Admissions was = admissions;
        Admissions now = new Admissions(max, next.length);
        plans = next;
        table = to;
        admissions = now;
        was.forEach((family, hi, lo, s, listed, expiresAt, holding, holdOffUntil) -> {
            int t = admissionMap[s];
            boolean sameList = t >= 0 && old[s].config.list(family).equals(next[t].config.list(family));
            if (!sameList) {
                if (listed) {
                    events.expired(old[s].config, family, hi, lo, true);
                }
                return;
            }
            now.restore(family, hi, lo, t, listed, expiresAt, holding, holdOffUntil, unlisted);
        });
        admissions.expire(nowNanos, unlisted);
    }

    private int indexOf(String name) {
        for (int i = 0; i < plans.length; i++) {
            if (plans[i].config.name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Sees one listed source: its sequence, address, and when its window ends ({@link System#nanoTime()} scale). */
    public interface ListedVisitor {
        void visit(SequenceConfig sequence, int family, long hi, long lo, long expiresAtNanos);
    }

    /** Visits every source on a list now, for status; allocates per call, not per packet. */
    public void forEachListed(ListedVisitor visitor) {
        admissions.forEach((family, hi, lo, s, listed, expiresAt, holding, holdOffUntil) -> {
            if (listed) {
                visitor.visit(plans[s].config, family, hi, lo, expiresAt);
            }
        });
    }

    /** Sources with progress now tracked. */
    public int trackedSources() {
        return table.size();
    }

    /** Sources dropped from the progress table at its cap since start. */
    public long evictions() {
        return evictedBefore + table.evictions();
    }

    /** Entries in the admission table: listed sources and sources still in a hold-off. */
    public int admissions() {
        return admissions.size();
    }

    /** Sources on a list now. */
    public int listedSources() {
        return admissions.listedCount();
    }

    /** Bytes held by the tracker's tables (they grow with use up to max-sources, and never shrink). */
    public long memoryBytes() {
        return table.memoryBytes() + admissions.memoryBytes();
    }
}
