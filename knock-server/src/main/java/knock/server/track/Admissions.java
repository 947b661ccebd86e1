package knock.server.track;

import java.util.Arrays;

/**
 * Sources admitted by a sequence: whether each is on the kernel list and until when, and the hold-off that
 * follows an admission. Kept apart from the progress table so that a flood evicting progress never loses an
 * admitted source's expiry. Keyed by (source, sequence index); a binary min-heap of ids ordered by each entry's
 * next deadline (its window end while listed, else its hold-off end) lets the caller run one timer.
 *
 * <p>Bounded: at the cap the entry with the earliest deadline is dropped first, and if it is still listed the
 * caller is told to take it off the list at once, so nothing stays on a list without a scheduled removal.
 * Times are {@link System#nanoTime()} values and compared by difference. Not thread-safe.
 */
final class Admissions {

    /** Told when a listed source must come off its list (its window ended, or it was dropped at the cap). */
    interface Unlisted {
        void unlisted(int family, long hi, long lo, int sequence, boolean early);
    }

    private static final int INITIAL = 64;
    private static final byte LISTED = 1;
    private static final byte HOLDING = 2;

    private final AddressKeys keys;
    private byte[] flags;
    private long[] expiresAt;
    private long[] holdOffUntil;
    private int[] heapPos;
    private int[] heap;
    private int heapSize;
    /** Sources listed now, per (sequence, family): index {@code 2 * sequence + (family == 6 ? 1 : 0)}. */
    private final int[] listedOn;

    Admissions(int maxEntries, int sequences) {
        keys = new AddressKeys(maxEntries, INITIAL);
        listedOn = new int[2 * sequences];
        int length = keys.slabLength();
        flags = new byte[length];
        expiresAt = new long[length];
        holdOffUntil = new long[length];
        heapPos = new int[length];
        heap = new int[length];
    }

    int size() {
        return keys.size();
    }

    int maxEntries() {
        return keys.maxEntries();
    }

    /** How many sources are on a list now. */
    int listedCount() {
        int n = 0;
        for (int count : listedOn) {
            n += count;
        }
        return n;
    }

    /** How many sources are on the sequence's list of the family now. */
    int listedOn(int sequence, int family) {
        return listedOn[slot(sequence, family)];
    }

    private static int slot(int sequence, int family) {
        return 2 * sequence + (family == 6 ? 1 : 0);
    }

    /** Every change of an entry's flags goes through here, so the per-list counts stay true. */
    private void flags(int id, int value) {
        int was = flags[id] & LISTED;
        int is = value & LISTED;
        if (was != is) {
            listedOn[slot(keys.tag(id), keys.family(id))] += is - was;
        }
        flags[id] = (byte) value;
    }

    boolean listed(int family, long hi, long lo, int sequence) {
        int id = keys.find(family, hi, lo, sequence);
        return id >= 0 && (flags[id] & LISTED) != 0;
    }

    /** Whether a completed sequence now would repeat it within the hold-off of its last admission. */
    boolean holdsOff(int family, long hi, long lo, int sequence, long nowNanos) {
        int id = keys.find(family, hi, lo, sequence);
        return id >= 0 && (flags[id] & HOLDING) != 0 && holdOffUntil[id] - nowNanos > 0;
    }

    /**
     * Lists the source until {@code nowNanos + windowNanos} and starts its hold-off ({@code holdOffNanos} 0 for
     * none). Returns whether it was listed already (a refresh).
     */
    boolean admit(int family, long hi, long lo, int sequence, long nowNanos, long windowNanos, long holdOffNanos,
                  Unlisted sink) {
        int id = findOrInsert(family, hi, lo, sequence, sink);
        boolean was = (flags[id] & LISTED) != 0;
        expiresAt[id] = nowNanos + windowNanos;
        if (holdOffNanos > 0) {
            holdOffUntil[id] = nowNanos + holdOffNanos;
            flags(id, LISTED | HOLDING);
        } else {
            flags(id, LISTED);
        }
        fix(id);
        return was;
    }

    /**
     * The listed source connected to the guarded port: its admission was used, so its hold-off ends (a user who
     * connected may knock again; a scanner repeating a knock port never connects). Returns whether it was listed.
     */
    boolean use(int family, long hi, long lo, int sequence) {
        int id = keys.find(family, hi, lo, sequence);
        if (id < 0 || (flags[id] & LISTED) == 0) {
            return false;
        }
        if ((flags[id] & HOLDING) != 0) {
            flags(id, LISTED);
            fix(id);
        }
        return true;
    }

    /**
     * Lists a source found on the kernel list at start (age unknown) for a fresh window, without a hold-off; a
     * source listed already keeps the later of the two expiries.
     */
    void adopt(int family, long hi, long lo, int sequence, long nowNanos, long windowNanos, Unlisted sink) {
        int id = findOrInsert(family, hi, lo, sequence, sink);
        long until = nowNanos + windowNanos;
        if ((flags[id] & LISTED) == 0 || until - expiresAt[id] > 0) {
            expiresAt[id] = until;
        }
        flags(id, flags[id] | LISTED);
        fix(id);
    }

    /** Takes the source off the list (the hold-off stays); returns whether it was listed. */
    boolean unlist(int family, long hi, long lo, int sequence, long nowNanos) {
        int id = keys.find(family, hi, lo, sequence);
        if (id < 0 || (flags[id] & LISTED) == 0) {
            return false;
        }
        flags(id, flags[id] & ~LISTED);
        if ((flags[id] & HOLDING) != 0 && holdOffUntil[id] - nowNanos > 0) {
            fix(id);
        } else {
            drop(id);
        }
        return true;
    }

    boolean hasDeadline() {
        return heapSize > 0;
    }

    /** The earliest deadline; meaningful only when {@link #hasDeadline()}. */
    long nextDeadline() {
        return deadline(heap[0]);
    }

    /** Ends every window and hold-off due by {@code nowNanos}; each listed source is handed to the sink. */
    void expire(long nowNanos, Unlisted sink) {
        while (heapSize > 0 && deadline(heap[0]) - nowNanos <= 0) {
            int id = heap[0];
            if ((flags[id] & LISTED) != 0) {
                flags(id, flags[id] & ~LISTED);
                sink.unlisted(keys.family(id), keys.hi(id), keys.lo(id), keys.tag(id), false);
            }
            if ((flags[id] & HOLDING) != 0 && holdOffUntil[id] - nowNanos > 0) {
                fix(id);
            } else {
                drop(id);
            }
        }
    }

    /** Every entry, for moving admissions to a new config: sequence, then the source. */
    void forEach(Visitor visitor) {
        for (int i = 0; i < heapSize; i++) {
            int id = heap[i];
            visitor.visit(keys.family(id), keys.hi(id), keys.lo(id), keys.tag(id), (flags[id] & LISTED) != 0,
                    expiresAt[id], (flags[id] & HOLDING) != 0, holdOffUntil[id]);
        }
    }

    interface Visitor {
        void visit(int family, long hi, long lo, int sequence, boolean listed, long expiresAt, boolean holding,
                   long holdOffUntil);
    }

    /** Copies one entry as {@link #forEach} reported it (after a config reload). */
    void restore(int family, long hi, long lo, int sequence, boolean listed, long expires, boolean holding,
                 long holdOff, Unlisted sink) {
        int id = findOrInsert(family, hi, lo, sequence, sink);
        flags(id, (listed ? LISTED : 0) | (holding ? HOLDING : 0));
        expiresAt[id] = expires;
        holdOffUntil[id] = holdOff;
        fix(id);
    }

    long memoryBytes() {
        return keys.memoryBytes() + (1L + 8 + 8 + 4 + 4) * flags.length;
    }

    private int findOrInsert(int family, long hi, long lo, int sequence, Unlisted sink) {
        int id = keys.find(family, hi, lo, sequence);
        if (id >= 0) {
            return id;
        }
        if (keys.full()) {
            int victim = heap[0];
            if ((flags[victim] & LISTED) != 0) {
                sink.unlisted(keys.family(victim), keys.hi(victim), keys.lo(victim), keys.tag(victim), true);
            }
            drop(victim);
        }
        id = keys.insert(family, hi, lo, sequence);
        if (keys.slabLength() > flags.length) {
            int length = keys.slabLength();
            flags = Arrays.copyOf(flags, length);
            expiresAt = Arrays.copyOf(expiresAt, length);
            holdOffUntil = Arrays.copyOf(holdOffUntil, length);
            heapPos = Arrays.copyOf(heapPos, length);
            heap = Arrays.copyOf(heap, length);
        }
        flags[id] = 0;
        heapPos[id] = heapSize;
        heap[heapSize++] = id;
        return id;
    }

    private long deadline(int id) {
        return (flags[id] & LISTED) != 0 ? expiresAt[id] : holdOffUntil[id];
    }

    private void drop(int id) {
        int pos = heapPos[id];
        int last = heap[--heapSize];
        if (pos != heapSize) {
            heap[pos] = last;
            heapPos[last] = pos;
            fix(last);
        }
        flags(id, 0);
        keys.remove(id);
    }

    /** Restores heap order around an entry whose deadline changed. */
    private void fix(int id) {
        int pos = heapPos[id];
        long d = deadline(id);
        while (pos > 0) {
            int parent = heap[(pos - 1) >>> 1];
            if (deadline(parent) - d <= 0) {
                break;
            }
            place(parent, pos);
            pos = (pos - 1) >>> 1;
        }
        while (true) {
            int child = 2 * pos + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && deadline(heap[child + 1]) - deadline(heap[child]) < 0) {
                child++;
            }
            if (d - deadline(heap[child]) <= 0) {
                break;
            }
            place(heap[child], pos);
            pos = child;
        }
        place(id, pos);
    }

    private void place(int id, int pos) {
        heap[pos] = id;
        heapPos[id] = pos;
    }
}
