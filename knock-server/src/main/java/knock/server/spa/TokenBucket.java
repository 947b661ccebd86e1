package knock.server.spa;

/**
 * A rate with a burst: {@link #take} succeeds while tokens are left, and tokens come back at {@code perSecond}
 * up to {@code burst}. Time is an argument (nanoTime scale), so tests step it.
 */
final class TokenBucket {

    private final long nanosPerToken;
    private final long burstNanos;
    /** The time at which the bucket is empty; tokens = (now - emptyAt) / nanosPerToken, capped at burst. */
    private long emptyAt;

    TokenBucket(int perSecond, int burst, long nowNanos) {
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burstNanos = nanosPerToken * burst;
        this.emptyAt = nowNanos - burstNanos;
    }

    boolean take(long nowNanos) {
        if (nowNanos - emptyAt > burstNanos) {
            emptyAt = nowNanos - burstNanos;
        }
        if (nowNanos - emptyAt < nanosPerToken) {
            return false;
        }
        emptyAt += nanosPerToken;
        return true;
    }
}
