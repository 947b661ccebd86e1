package knock.server.spa;

import java.security.SecureRandom;

/**
 * A per-source ration of gated datagrams ({@value #PER_SECOND}/s, bursts of {@value #BURST}), so one sender
 * that holds the server's public key cannot take the whole public-key budget from the others. IPv6 sources count
 * by /64, as one host owns a whole /64 (wireguard-go's limiter does the same). The table has a fixed number of
 * buckets indexed by a hash keyed at random per start: memory stays fixed under a spoofed flood, sources that
 * share a bucket share its ration, and no one can aim at another's bucket without knowing the key.
 */
final class SourceRations {

    static final int PER_SECOND = 5;
    static final int BURST = 10;
    private static final int BUCKETS = 1 << 14;

    private final long[] emptyAt = new long[BUCKETS];
    private final long key0;
    private final long key1;
    private final long nanosPerToken = 1_000_000_000L / PER_SECOND;
    private final long burstNanos = nanosPerToken * BURST;

    SourceRations(long nowNanos) {
        SecureRandom random = new SecureRandom();
        key0 = random.nextLong();
        key1 = random.nextLong();
        java.util.Arrays.fill(emptyAt, nowNanos - burstNanos);
    }

    /** Takes one token of {@code source}'s ration; false when it is spent. */
    boolean take(int family, long hi, long lo, long nowNanos) {
        long a = family == 4 ? lo : hi; // IPv6: the /64
        int i = bucket(a, family);
        long e = emptyAt[i];
        if (nowNanos - e > burstNanos) {
            e = nowNanos - burstNanos;
        }
        if (nowNanos - e < nanosPerToken) {
            return false;
        }
        emptyAt[i] = e + nanosPerToken;
        return true;
    }

    private int bucket(long address, int family) {
        long h = (address ^ key0) * 0x9e3779b97f4a7c15L;
        h ^= h >>> 29;
        h = (h + family ^ key1) * 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        return (int) h & (BUCKETS - 1);
    }
}
