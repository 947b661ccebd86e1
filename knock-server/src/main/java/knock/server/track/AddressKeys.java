package knock.server.track;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Source addresses (family, two longs, a small tag) mapped to stable ids {@code 0..capacity-1}, for tables that
 * keep per-source values in parallel primitive arrays indexed by id. Open addressing with linear probing over an
 * {@code int[]} of ids, backward-shift deletion (no tombstones), a seeded hash because the keys are chosen by
 * strangers. Ids never move, so owners may thread lists and heaps through them.
 *
 * <p>Grows by doubling up to {@code maxEntries}; the owner learns of growth through {@link #slabLength()} and
 * grows its value arrays to match. No allocation except when growing. Not thread-safe.
 *
 * <p>Memory: 24 bytes of keys per id plus 4 bytes per index slot, at most two slots per entry (load &le; 0.5).
 */
final class AddressKeys {

    private static final int EMPTY = 0;

    private final int maxEntries;
    private final int maxIndexLength;
    private final long seed = ThreadLocalRandom.current().nextLong();

    /** Index slots hold id + 1; 0 is empty. */
    private int[] index;
    private int mask;
    /** family | tag << 8, 0 for a free id. */
    private int[] familyTag;
    private long[] hi;
    private long[] lo;
    /** Free ids chain through this array: saves a free-list array of its own. */
    private int[] freeNext;
    private int freeHead = -1;
    private int used;
    private int size;

    AddressKeys(int maxEntries, int initialEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + " (expected: > 0)");
        }
        this.maxEntries = maxEntries;
        this.maxIndexLength = indexLengthFor(maxEntries);
        int initial = Math.max(1, Math.min(initialEntries, maxEntries));
        familyTag = new int[initial];
        hi = new long[initial];
        lo = new long[initial];
        freeNext = new int[initial];
        index = new int[Math.min(indexLengthFor(initial), maxIndexLength)];
        mask = index.length - 1;
    }

    private static int indexLengthFor(int entries) {
        long slots = Math.max(4L, (long) entries * 2);
        return (int) Math.min(1L << 30, Long.highestOneBit(slots - 1) << 1);
    }

    int size() {
        return size;
    }

    int maxEntries() {
        return maxEntries;
    }

    boolean full() {
        return size >= maxEntries;
    }

    /** Ids are below this; value arrays of the owner must be at least this long. */
    int slabLength() {
        return familyTag.length;
    }

    int family(int id) {
        return familyTag[id] & 0xff;
    }

    int tag(int id) {
        return familyTag[id] >>> 8;
    }

    long hi(int id) {
        return hi[id];
    }

    long lo(int id) {
        return lo[id];
    }

    long memoryBytes() {
        return 4L * index.length + (4L + 8 + 8 + 4) * familyTag.length;
    }

    /** The id of the key, or -1. */
    int find(int family, long h, long l, int tag) {
        int ft = family | tag << 8;
        int[] idx = index;
        int m = mask;
        for (int slot = hash(ft, h, l) & m; ; slot = (slot + 1) & m) {
            int id = idx[slot] - 1;
            if (id < 0) {
                return -1;
            }
            if (familyTag[id] == ft && lo[id] == l && hi[id] == h) {
                return id;
            }
        }
    }

    /**
     * Adds a key known to be absent and returns its new id.
     *
     * @throws IllegalStateException when {@link #full()}: the owner evicts first
     */
    int insert(int family, long h, long l, int tag) {
        if (family != 4 && family != 6) {
            throw new IllegalArgumentException("family " + family + " (expected: 4 or 6)");
        }
        if (size >= maxEntries) {
            throw new IllegalStateException("table full: " + size + " entries");
        }
        int id;
        if (freeHead >= 0) {
            id = freeHead;
            freeHead = freeNext[id];
        } else {
            if (used == familyTag.length) {
                growSlab();
            }
            id = used++;
        }
        if ((long) (size + 1) * 2 > index.length && index.length < maxIndexLength) {
            growIndex();
        }
        int ft = family | tag << 8;
        familyTag[id] = ft;
        hi[id] = h;
        lo[id] = l;
        int slot = hash(ft, h, l) & mask;
        while (index[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        index[slot] = id + 1;
        size++;
        return id;
    }

    /** Removes the key of {@code id}; the id may be handed out again. */
    void remove(int id) {
        int slot = hash(familyTag[id], hi[id], lo[id]) & mask;
        while (index[slot] != id + 1) {
            slot = (slot + 1) & mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole, so lookups never need
        // tombstones and a churn of hostile sources cannot fill the table with them.
        int hole = slot;
        for (int next = (hole + 1) & mask; index[next] != EMPTY; next = (next + 1) & mask) {
            int other = index[next] - 1;
            int home = hash(familyTag[other], hi[other], lo[other]) & mask;
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                index[hole] = index[next];
                hole = next;
            }
        }
        index[hole] = EMPTY;
        familyTag[id] = 0;
        freeNext[id] = freeHead;
        freeHead = id;
        size--;
    }

    private void growSlab() {
        int length = (int) Math.min(maxEntries, Math.max(4L, (long) familyTag.length * 2));
        familyTag = Arrays.copyOf(familyTag, length);
        hi = Arrays.copyOf(hi, length);
        lo = Arrays.copyOf(lo, length);
        freeNext = Arrays.copyOf(freeNext, length);
    }

    private void growIndex() {
        int[] old = index;
        index = new int[old.length * 2];
        mask = index.length - 1;
        for (int entry : old) {
            if (entry != EMPTY) {
                int id = entry - 1;
                int slot = hash(familyTag[id], hi[id], lo[id]) & mask;
                while (index[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                index[slot] = entry;
            }
        }
    }

    private int hash(int familyTag, long h, long l) {
        long x = mix(seed ^ familyTag);
        x = mix(x ^ h);
        x = mix(x ^ l);
        return (int) (x ^ (x >>> 32));
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
