package knock.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import knock.net.TestNetns;

/**
 * One platform thread that lives inside a named network namespace, so the JVM can open sockets and proc
 * files there without forking {@code ip netns exec} for each.
 *
 * <p>Why it works: setns(2) moves only the calling task, and a socket stays in the namespace it was
 * created in, whichever thread uses it later. Pitfalls: the JDK's {@code java.net.Socket} creates its file
 * descriptor lazily (at connect or bind), so create NIO channels here, which open theirs at once; and
 * {@code /proc/net} is {@code /proc/self/net}, the main thread's namespace: read
 * {@code /proc/thread-self/net} on this thread instead. The thread holds a reference to the namespace
 * until it ends, so {@link #close()} it before deleting the namespace.
 */
final class NetnsThread implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String netns;
    private final ExecutorService executor;

    NetnsThread(String netns) {
        this.netns = netns;
        this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("netns-" + netns)
                .daemon(true)
                .factory());
        try {
            call(() -> {
                TestNetns.enter(netns);
                return null;
            });
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Runs {@code action} inside the namespace and returns its result; bounded by 10 s. */
    <T> T call(Callable<T> action) {
        var future = executor.submit(action);
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running in netns " + netns, e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("netns " + netns + ": call still running after " + CALL_TIMEOUT, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
