package knock.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.IoEventLoop;

/**
 * The daemon's loop sleeps while nothing happens, and still runs what is scheduled or handed to it. The wake-ups
 * are the kernel's count of the loop thread's voluntary context switches ({@code /proc/self/task/TID/status}):
 * netty's own loop makes one a second with nothing scheduled.
 */
class QuietLoopGroupTest {

    private final QuietLoopGroup group = new QuietLoopGroup();
    private final IoEventLoop loop = group.next();

    @AfterEach
    void shutdown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void anIdleLoopDoesNotWakeUp() throws Exception {
        Path status = loop.submit(() -> Path.of("/proc/thread-self/status").toRealPath()).get();
        Thread.sleep(200); // the loop is back in epoll_wait
        long before = voluntarySwitches(status);
        Thread.sleep(3500);
        long wakeUps = voluntarySwitches(status) - before;
        assertTrue(wakeUps <= 1, "the idle loop woke " + wakeUps + " times in 3.5 s (netty's ticks once a second)");
    }

    @Test
    void aScheduledTaskAndATaskFromAnotherThreadStillRun() throws Exception {
        long start = System.nanoTime();
        long ranAfter = loop.schedule(() -> System.nanoTime() - start, 50, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        assertTrue(ranAfter >= TimeUnit.MILLISECONDS.toNanos(50), "a timer fired early: " + ranAfter + " ns");
        Thread.sleep(100); // idle again: no timer armed
        assertEquals("ran", loop.submit(() -> "ran").get(5, TimeUnit.SECONDS), "a task from another thread");
    }

    private static long voluntarySwitches(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new IOException("no voluntary_ctxt_switches in " + status);
    }
}
