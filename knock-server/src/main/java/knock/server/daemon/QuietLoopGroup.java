package knock.server.daemon;

import java.util.concurrent.Executor;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * The daemon's one epoll event loop, which sleeps until something happens: a packet, a control request, a signal
 * or its own next timer. netty 4.2's loop wakes every second when nothing is scheduled
 * ({@code SingleThreadEventExecutor.deadlineNanos()} answers "now + SCHEDULE_PURGE_INTERVAL", 1 s), where 4.1's
 * epoll and NIO loops blocked with no timeout: an idle daemon's one wake-up a second, for nothing (cancelled
 * timers leave netty's queue when cancelled on the loop, which is where the daemon cancels them).
 *
 * <p>Pitfall: the loop then relies on its wake-up for work from other threads, as netty's loop always does
 * ({@code execute} and {@code schedule} from outside write its eventfd); a graceful shutdown's quiet period
 * queues its own wake-up task, so shutting down never waits on the missing tick.
 */
final class QuietLoopGroup extends MultiThreadIoEventLoopGroup {

    QuietLoopGroup() {
        super(1, EpollIoHandler.newFactory());
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new QuietLoop(this, executor, ioHandlerFactory);
    }

    /** A loop whose epoll_wait has no timeout unless a task is scheduled. */
    static final class QuietLoop extends SingleThreadIoEventLoop {

        QuietLoop(QuietLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
            super(parent, executor, ioHandlerFactory);
        }

        /** The next scheduled task's deadline, or -1 with none: epoll then waits with no timer. */
        @Override
        protected long deadlineNanos() {
            return nextScheduledTaskDeadlineNanos();
        }
    }
}
