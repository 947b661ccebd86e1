package knock.server.track;

import java.util.Arrays;

/**
 * Per-source knock progress: for each tracked source and each sequence, the next step expected and when the
 * last step was taken. Keyed by the source address as primitives (see {@link AddressKeys}), capped at
 * {@code maxSources}: at the cap the least recently touched source is evicted, so a flood of strangers costs
 * old progress, never memory. Admissions do not live here (see {@link Admissions}), so eviction never loses an
 * expiry.
 *
 * <p>Recency is an intrusive doubly linked list through two {@code int} arrays (head = most recent).
 * Starts small and grows to the cap: about {@value #BYTES_PER_ENTRY_BASE} bytes per source plus 11 per sequence
 * (51 MB measured for one sequence at the default cap of one million). Never allocates once grown. Not thread-safe.
 */
final class SourceTable {

    /** Keys 24, index at most 8, recency links 8. */
    static final int BYTES_PER_ENTRY_BASE = 40;
    private static final int INITIAL = 1024;

    private final AddressKeys keys;
    private final int sequences;
    private int[] newer;
    private int[] older;
    private int newest = -1;
    private int oldest = -1;
    /** Per (id, sequence): index of the next step expected; 0 = none taken. */
    private byte[] next;
    /** Per (id, sequence): when the last step was taken. */
    private long[] lastAt;
    /** Per (id, sequence): the source port (ICMP: echo identifier) of the last step, to know its resends. */
    private char[] lastPort;
    private long evictions;

    SourceTable(int maxSources, int sequences) {
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences " + sequences + " (expected: > 0)");
        }
        this.keys = new AddressKeys(maxSources, INITIAL);
        this.sequences = sequences;
        int length = keys.slabLength();
        newer = new int[length];
        older = new int[length];
        next = new byte[length * sequences];
        lastAt = new long[length * sequences];
        lastPort = new char[length * sequences];
    }

    int sequences() {
        return sequences;
    }

    int size() {
        return keys.size();
    }

    int maxSources() {
        return keys.maxEntries();
    }

    /** How many sources were dropped at the cap to make room for another. */
    long evictions() {
        return evictions;
    }

    long memoryBytes() {
        return keys.memoryBytes() + (4L + 4) * newer.length + (1L + 8 + 2) * next.length;
    }

    /** The id of the source, or -1; does not count as a touch. */
    int find(int family, long hi, long lo) {
        return keys.find(family, hi, lo, 0);
    }

    /**
     * The id of the source, inserted with no progress if absent (evicting the least recently touched source at
     * the cap); either way it becomes the most recent.
     */
    int findOrInsert(int family, long hi, long lo) {
        int id = keys.find(family, hi, lo, 0);
        if (id >= 0) {
            touch(id);
            return id;
        }
        if (keys.full()) {
            evictions++;
            remove(oldest);
        }
        id = keys.insert(family, hi, lo, 0);
        if (keys.slabLength() > newer.length) {
            grow(keys.slabLength());
        }
        Arrays.fill(next, id * sequences, (id + 1) * sequences, (byte) 0);
        link(id);
        return id;
    }

    /** Makes the source the most recently touched. */
    void touch(int id) {
        if (id != newest) {
            unlink(id);
            link(id);
        }
    }

    void remove(int id) {
        unlink(id);
        keys.remove(id);
    }

    int next(int id, int sequence) {
        return next[id * sequences + sequence];
    }

    long lastAt(int id, int sequence) {
        return lastAt[id * sequences + sequence];
    }

    /** The source port (ICMP: echo identifier) of the last step taken. */
    int lastPort(int id, int sequence) {
        return lastPort[id * sequences + sequence];
    }

    void progress(int id, int sequence, int nextStep, long at, int port) {
        next[id * sequences + sequence] = (byte) nextStep;
        lastAt[id * sequences + sequence] = at;
        lastPort[id * sequences + sequence] = (char) port;
    }

    void reset(int id, int sequence) {
        next[id * sequences + sequence] = 0;
    }

    /** Whether the source has no progress in any sequence, so it can be dropped. */
    boolean idle(int id) {
        for (int i = id * sequences, end = i + sequences; i < end; i++) {
            if (next[i] != 0) {
                return false;
            }
        }
        return true;
    }

    int family(int id) {
        return keys.family(id);
    }

    long hi(int id) {
        return keys.hi(id);
    }

    long lo(int id) {
        return keys.lo(id);
    }

    /** The least recently touched source, or -1 when empty; with {@link #newer(int)}, oldest-first iteration. */
    int oldest() {
        return oldest;
    }

    /** The next more recent source after {@code id}, or -1. */
    int newer(int id) {
        return newer[id];
    }

    private void link(int id) {
        older[id] = newest;
        newer[id] = -1;
        if (newest >= 0) {
            newer[newest] = id;
        } else {
            oldest = id;
        }
        newest = id;
    }

    private void unlink(int id) {
        int o = older[id];
        int n = newer[id];
        if (o >= 0) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n >= 0) {
            older[n] = o;
        } else {
            newest = o;
        }
    }

    private void grow(int length) {
        newer = Arrays.copyOf(newer, length);
        older = Arrays.copyOf(older, length);
        next = Arrays.copyOf(next, length * sequences);
        lastAt = Arrays.copyOf(lastAt, length * sequences);
        lastPort = Arrays.copyOf(lastPort, length * sequences);
    }
}
