package knock.server.track;

import knock.server.config.SequenceConfig;

/**
 * What the tracker tells the daemon, one call per event, so it can log and act on the kernel lists: on
 * {@link #admitted} write {@code +ADDR} to {@code sequence.list(family)}; on {@link #broken} or {@link #scanned}
 * with {@code removed} and on {@link #expired} write {@code -ADDR} there. Sources come as primitives (IPv4 in the
 * low 32 bits of {@code lo}, {@code hi} 0; IPv6 as two big-endian longs) so that hostile traffic costs no
 * allocation; format them only when logging at a level that is on.
 *
 * <p>Called on the tracker's thread from inside {@link SequenceTracker#judge}, {@link SequenceTracker#expire}
 * and {@link SequenceTracker#reconfigure}; must not call back into the tracker.
 */
public interface TrackEvents {

    /** The source took step {@code stepsTaken} (1 = started or restarted) and has steps left. */
    default void advanced(SequenceConfig sequence, int family, long hi, long lo, int stepsTaken) {
    }

    /**
     * The source completed the sequence: add it to the list ({@code refreshed}: it was on it already).
     * {@code packetNanos} is when the completing packet reached user space ({@link System#nanoTime()}), so the
     * caller can tell how long packet-to-list took.
     */
    void admitted(SequenceConfig sequence, int family, long hi, long lo, boolean refreshed, long packetNanos);

    /**
     * The source completed the sequence but the list holds as many entries as the kernel keeps: it was not
     * admitted (the kernel would otherwise evict the oldest admitted source silently).
     */
    void refused(SequenceConfig sequence, int family, long hi, long lo, int capacity);

    /**
     * The source completed the knock of time step {@code timeStep} of a time-derived sequence, which was burned:
     * nothing changes on the list (a source admitted by it keeps its admission).
     */
    default void replayed(SequenceConfig sequence, int family, long hi, long lo, long timeStep) {
    }

    /** A listed source connected to the guarded port: its admission was used. */
    default void connected(SequenceConfig sequence, int family, long hi, long lo) {
    }

    /** The source broke its progress; {@code removed}: it was listed, take it off the list now. */
    void broken(SequenceConfig sequence, int family, long hi, long lo, Break reason, boolean removed);

    /**
     * The scan guard fired for the source; {@code removed}: it was listed, take it off the list now. A scan by a
     * source that was neither listed nor in progress changes nothing: hostile noise, log it at debug at most.
     */
    void scanned(SequenceConfig sequence, int family, long hi, long lo, Scan kind, boolean removed);

    /**
     * The source's window ended: take it off the list. {@code early}: before its window ended, because the
     * admission table was full or a config reload dropped its sequence or renamed its list.
     */
    void expired(SequenceConfig sequence, int family, long hi, long lo, boolean early);
}
