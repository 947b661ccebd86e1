package knock.server.spa;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The signed knocks taken recently, so that none is taken twice. Keyed by the datagram's representative (its
 * first 32 bytes, the two bits the decoding ignores masked), which a replay must carry unchanged: so the check
 * runs before any public-key work, while an entry is made only for a datagram that authenticated (a stranger
 * cannot fill it). Each entry lives twice spa-max-age, longer than its timestamp stays acceptable. Entries are
 * made in expiry order, so pruning takes them from the head; when all are live a new knock is refused, never
 * a live entry dropped. Kept across reloads; a restart starts empty, which is safe because the receiver refuses
 * timestamps from before its start.
 */
final class ReplayCache {

    private record Key(long a, long b, long c, long d) {
    }

    private record Entry(Key key, long expiresAtNanos) {
    }

    private final Set<Key> keys = new HashSet<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private int capacity;

    ReplayCache(int capacity) {
        this.capacity = capacity;
    }

    void capacity(int entries) {
        capacity = entries;
    }

    int size() {
        return keys.size();
    }

    boolean contains(byte[] datagram, long nowNanos) {
        prune(nowNanos);
        return keys.contains(key(datagram));
    }

    /** Remembers the datagram until {@code nowNanos + lifeNanos}; false when full of live entries. */
    boolean add(byte[] datagram, long nowNanos, long lifeNanos) {
        prune(nowNanos);
        if (keys.size() >= capacity) {
            return false;
        }
        Key key = key(datagram);
        if (keys.add(key)) {
            order.addLast(new Entry(key, nowNanos + lifeNanos));
        }
        return true;
    }

    private void prune(long nowNanos) {
        while (!order.isEmpty() && order.peekFirst().expiresAtNanos - nowNanos <= 0) {
            keys.remove(order.removeFirst().key);
        }
    }

    private static Key key(byte[] d) {
        return new Key(word(d, 0), word(d, 8), word(d, 16), word(d, 24) & ~(0xc0L << 56));
    }

    /** Eight bytes little-endian, so the last word's top bits are the representative's bits 254 and 255. */
    private static long word(byte[] d, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | d[off + i] & 0xff;
        }
        return v;
    }
}
