package knock.server;

import knock.sequence.Protocol;

/**
 * Knocks for tests, in one reused holder per thread (allocation-free, as the daemon's stages are). {@link #of}
 * gives each packet a new source port, as a new connection or socket would; {@link #resend} keeps one, as the
 * kernel's SYN retransmit does.
 */
public final class TestKnock {

    private static final ThreadLocal<Knock> HOLDER = ThreadLocal.withInitial(Knock::new);
    private static final ThreadLocal<int[]> PORT = ThreadLocal.withInitial(() -> new int[] {40000});

    private TestKnock() {
    }

    /** A new packet: the next source port of this thread. */
    public static Knock of(int family, long srcHi, long srcLo, long dstHi, long dstLo, Protocol protocol, int value,
                           long nowNanos) {
        int[] port = PORT.get();
        port[0] = port[0] >= 65535 ? 1024 : port[0] + 1;
        return resend(family, srcHi, srcLo, dstHi, dstLo, protocol, value, port[0], nowNanos);
    }

    /** A packet from {@code srcPort}: the same port again is a resend of the same packet. */
    public static Knock resend(int family, long srcHi, long srcLo, long dstHi, long dstLo, Protocol protocol,
                               int value, int srcPort, long nowNanos) {
        return HOLDER.get().set(family, srcHi, srcLo, dstHi, dstLo, protocol, value, srcPort, nowNanos);
    }
}
