package knock.net;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * poll(2) over a fixed set of descriptors plus an eventfd, so another thread can {@link #wakeup} a reader that is
 * blocked waiting: on Linux, closing a socket does not wake a thread blocked on it. The pollfd array is made once;
 * {@link #await} allocates nothing. One thread awaits; any thread may wake it.
 */
public final class Poller implements AutoCloseable {

    private static final int POLLFD_SIZE = 8;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState = Libc.newCallState(arena);
    private final MemorySegment scratch = arena.allocate(JAVA_LONG);
    private final MemorySegment pollfds;
    private final int count;
    private final int eventFd;
    private volatile boolean closed;

    /**
     * @param fds the descriptors to wait on, for readability
     * @throws NativeException if the eventfd cannot be made
     */
    public Poller(int... fds) {
        try {
            eventFd = (int) Libc.Polling.EVENTFD.invokeExact(callState, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (eventFd < 0) {
            arena.close();
            throw new NativeException("eventfd", Libc.errno(callState), null);
        }
        count = fds.length;
        pollfds = arena.allocate((long) POLLFD_SIZE * (count + 1), 8);
        for (int i = 0; i <= count; i++) {
            pollfds.set(JAVA_INT, (long) i * POLLFD_SIZE, i < count ? fds[i] : eventFd);
            pollfds.set(JAVA_SHORT, (long) i * POLLFD_SIZE + 4, Libc.POLLIN);
        }
    }

    /**
     * Waits until a descriptor is readable, {@link #wakeup} is called, or {@code timeoutMillis} pass (-1: no limit).
     *
     * @return how many descriptors are ready, the wakeup included; 0 on timeout or a signal
     */
    public int await(int timeoutMillis) {
        int n;
        try {
            n = (int) Libc.Polling.POLL.invokeExact(callState, pollfds, (long) count + 1, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n < 0) {
            int errno = Libc.errno(callState);
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("poll", errno, null);
        }
        return n;
    }

    /** Whether descriptor {@code index} (in constructor order) was readable, or in error, at the last await. */
    public boolean ready(int index) {
        short revents = pollfds.get(JAVA_SHORT, (long) index * POLLFD_SIZE + 6);
        return (revents & (Libc.POLLIN | Libc.POLLERR | Libc.POLLHUP)) != 0;
    }

    /** Whether {@link #wakeup} was called since the last time this returned true; resets the eventfd. */
    public boolean woken() {
        if (!ready(count)) {
            return false;
        }
        try {
            long ignored = (long) Libc.Polling.READ.invokeExact(callState, eventFd, scratch, 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return true;
    }

    /** Makes the current or next {@link #await} return; safe from any thread, until {@link #close}. */
    public void wakeup() {
        if (closed) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            long written = (long) Libc.Polling.WRITE.invokeExact(cs, eventFd, a.allocateFrom(JAVA_LONG, 1L), 8L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Closes the eventfd (not the polled descriptors); only when no thread awaits or wakes any more. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(eventFd);
            arena.close();
        }
    }
}
