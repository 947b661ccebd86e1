package knock.server.daemon;

/**
 * At most {@code perSecond} lines per second for a kind of event a hostile network can repeat at will; the
 * events it holds back are counted and reported with the next line that goes out. Time is an argument.
 */
final class LogRation {

    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private long windowStart;
    private int lines;
    private long suppressed;
    private boolean started;

    LogRation(int perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * Whether a line may go out now: -1 if not (the event is counted), else how many were held back before it.
     */
    long suppressedBefore(long nowNanos) {
        if (!started || nowNanos - windowStart >= SECOND) {
            started = true;
            windowStart = nowNanos;
            lines = 0;
        }
        if (lines == perSecond) {
            suppressed++;
            return -1;
        }
        lines++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }
}
