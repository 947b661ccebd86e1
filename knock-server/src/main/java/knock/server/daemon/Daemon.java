package knock.server.daemon;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import knock.KnockException;
import knock.config.Durations;
import knock.log.JournalLoggerFinder;
import knock.net.Address;
import knock.net.Source;
import knock.server.Knock;
import knock.server.capture.KnockCapture;
import knock.server.capture.KnockQueue;
import knock.server.config.ConfigWarning;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.control.ControlServer;
import knock.server.recent.MissingListException;
import knock.server.recent.RecentLimits;
import knock.server.recent.RecentList;
import knock.server.track.Outcome;
import knock.server.track.SequenceTracker;

/**
 * The running knock-server. One netty event loop owns everything that changes: the tracker, the expiry
 * timer, the list writes, the control socket and reloads; the capture thread only feeds it knocks through a
 * bounded {@link KnockQueue}. So no state is shared between threads and nothing needs a lock.
 *
 * <p>Restart safety: entries already on the lists at start are adopted with a fresh window, so what a crashed
 * daemon admitted still expires. Stopping leaves the lists as they are for the next start to adopt.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = System.getLogger("knock.server");
    private static final int QUEUE_CAPACITY = 4096;

    private final Path configFile;
    private final Path listDirectory;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Counters counters = new Counters();
    private final KernelLists lists;
    private final KnockQueue queue;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedNanos = System.nanoTime();
    private final Deadlines deadlines;

    private ServerConfig config;
    private SequenceTracker tracker;
    // Replaced on the loop by a reload; read by close() on the shutdown-hook thread.
    private volatile KnockCapture capture;
    private ControlServer control;
    private int adopted;
    private volatile boolean closed;

    private Daemon(Path configFile, Path listDirectory, ServerConfig config) {
        this.configFile = configFile;
        this.listDirectory = listDirectory;
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.loop = group.next();
        this.lists = new KernelLists(listDirectory, configFile, counters);
        this.queue = new KnockQueue(QUEUE_CAPACITY, loop, this::handle);
        this.deadlines = new Deadlines((task, delay) -> loop.schedule(task, delay, TimeUnit.NANOSECONDS),
                System::nanoTime);
    }

    /**
     * Checks what the daemon needs (capabilities, list files), adopts what the lists hold, and starts
     * watching knocks. Throws a {@link KnockException} with a one-line message when it cannot start.
     */
    public static Daemon start(Path configFile, Path listDirectory) {
        ServerConfig config = ServerConfigReader.read(configFile);
        JournalLoggerFinder.threshold(JournalLoggerFinder.level(config.daemon().logLevel()));
        Privileges.require();
        requireLists(config, listDirectory, configFile);
        warn(config);
        Daemon daemon = new Daemon(configFile, listDirectory, config);
        try {
            daemon.onLoop(daemon::startOnLoop);
            daemon.bindControl();
            // Before the start line: whoever waits for it may signal at once.
            Signals.install(daemon);
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
        LOG.log(Level.INFO, "start config=" + configFile + " sequences=" + describe(config) + " adopted="
                + daemon.adopted + " capture=" + daemon.capture + " control=" + config.daemon().controlSocket());
        SystemdNotify.ready();
        return daemon;
    }

    private void startOnLoop() {
        long now = System.nanoTime();
        tracker = new SequenceTracker(config, lists, RecentLimits.read().ipListTot());
        adopted = adopt(now);
        capture = KnockCapture.open(config, queue);
        capture.start();
        deadlines.follow(tracker);
    }

    /** Binds the control socket; not on the loop, since binding waits for the loop. */
    private void bindControl() {
        Path socket = Path.of(config.daemon().controlSocket());
        try {
            control = ControlServer.bind(group, socket, this::command);
        } catch (IOException | RuntimeException e) {
            throw new DaemonException("control socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Adopts every entry found on a list the config names: unknown age, so a fresh full window. */
    private int adopt(long now) {
        int count = 0;
        for (SequenceConfig sequence : config.sequences()) {
            for (int family : new int[] {4, 6}) {
                RecentList list = lists.list(sequence.list(family));
                if (!list.exists()) {
                    continue;
                }
                for (RecentList.Entry entry : list.entries()) {
                    Source source = entry.source();
                    if (source.family() == family && tracker.adopt(sequence, family, source.hi(), source.lo(), now)) {
                        count++;
                        LOG.log(Level.INFO, "adopt src=" + source + " sequence=" + sequence.name() + " list="
                                + list.name() + " window=" + Durations.text(sequence.window()));
                    }
                }
            }
        }
        return count;
    }

    /** Runs on the event loop for each knock the capture saw; allocation-free unless a level logs it. */
    private void handle(Knock knock) {
        counters.knocks++;
        Outcome outcome = deadlines.judge(knock);
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "knock " + knock + " outcome=" + outcome.name().toLowerCase(java.util.Locale.ROOT)
                    + " sport=" + knock.srcPort());
        }
    }

    /** Rereads the config; a bad one is reported and the running one kept. Progress and admissions survive. */
    public void reload() {
        SystemdNotify.reloading();
        loop.execute(() -> {
            ServerConfig next;
            try {
                next = ServerConfigReader.read(configFile);
                requireLists(next, listDirectory, configFile);
            } catch (KnockException e) {
                LOG.log(Level.ERROR, "reload failed, keeping the running config: " + e.getMessage());
                return;
            }
            KnockCapture nextCapture;
            try {
                nextCapture = KnockCapture.open(next, queue);
            } catch (KnockException e) {
                LOG.log(Level.ERROR, "reload failed, keeping the running config: " + e.getMessage());
                return;
            }
            try {
                switchTo(next, nextCapture);
            } catch (RuntimeException e) {
                // The new capture never started: close it, or every failed reload leaks its sockets.
                if (nextCapture != capture) {
                    nextCapture.close();
                }
                LOG.log(Level.ERROR, "reload failed, keeping the running config: " + e);
            }
        });
        loop.execute(SystemdNotify::ready); // after the reload task, whichever way it ended
    }

    private void switchTo(ServerConfig next, KnockCapture nextCapture) {
        if (!next.daemon().controlSocket().equals(config.daemon().controlSocket())) {
            LOG.log(Level.WARNING, "control-socket changes at the next restart; still "
                    + config.daemon().controlSocket());
        }
        int listCapacity = RecentLimits.read().ipListTot();
        // Builds the new plans before it changes anything: a config it cannot take leaves the tracker as it was.
        tracker.reconfigure(next, System.nanoTime());
        tracker.listCapacity(listCapacity);
        JournalLoggerFinder.threshold(JournalLoggerFinder.level(next.daemon().logLevel()));
        warn(next);
        config = next;
        // The queue takes one producer: stop the old capture thread before the new one starts. The new
        // sockets are open already and queue what arrives meanwhile, so nothing is missed in the switch.
        capture.close();
        capture = nextCapture;
        capture.start();
        deadlines.arm();
        LOG.log(Level.INFO, "reload config=" + configFile + " sequences=" + describe(config) + " capture="
                + capture);
    }

    /** Answers a control-socket request; runs on the loop, so it sees a consistent state. */
    private String command(String request) {
        return switch (request) {
            case "status" -> reconcile() + StatusReport.render(config, tracker, counters, capture, queue, startedNanos,
                    System.nanoTime());
            default -> "error: unknown command '" + request + "' (expected: status)\n";
        };
    }

    /**
     * Forgets listed sources the kernel lists no longer hold (the ruleset was reloaded, an admin wrote
     * {@code -ADDR} or {@code /}), so that status never claims an entry the kernel lacks. Re-adding them would
     * undo an admin's flush. Returns "" (a prefix for the status text).
     */
    private String reconcile() {
        record Lost(SequenceConfig sequence, Source source) {
        }
        Map<String, Set<Source>> held = new HashMap<>();
        List<Lost> lost = new ArrayList<>();
        tracker.forEachListed((sequence, family, hi, lo, expiresAt) -> {
            Set<Source> onList = held.computeIfAbsent(sequence.list(family), this::kernelEntries);
            Source source = new Source(family, hi, lo);
            if (!onList.contains(source)) {
                lost.add(new Lost(sequence, source));
            }
        });
        long now = System.nanoTime();
        for (Lost entry : lost) {
            SequenceConfig sequence = entry.sequence();
            Source source = entry.source();
            if (tracker.forget(sequence, source.family(), source.hi(), source.lo(), now)) {
                counters.lost++;
                LOG.log(Level.WARNING, "lost src=" + source + " sequence=" + sequence.name() + " list="
                        + sequence.list(source.family()) + " (the kernel list no longer holds it)");
            }
        }
        deadlines.arm();
        return "";
    }

    private Set<Source> kernelEntries(String list) {
        RecentList file = lists.list(list);
        Set<Source> sources = new HashSet<>();
        if (file.exists()) {
            for (RecentList.Entry entry : file.entries()) {
                sources.add(entry.source());
            }
        }
        return sources;
    }

    /** Blocks until {@link #close()}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SystemdNotify.stopping();
        if (capture != null) {
            capture.close();
        }
        if (control != null) {
            control.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.log(Level.INFO, "stop admitted entries stay on their lists for the next start to adopt");
        stopped.countDown();
    }

    private void onLoop(Runnable task) {
        try {
            loop.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonException("interrupted while starting");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new DaemonException("start failed: " + e.getCause(), e.getCause());
        }
    }

    /** Every list the daemon may write must exist: it exists only while a loaded rule names it. */
    private static void requireLists(ServerConfig config, Path directory, Path configFile) {
        for (SequenceConfig sequence : config.sequences()) {
            for (int family : new int[] {4, 6}) {
                if (!sequence.knocksIn(family)) {
                    continue;
                }
                RecentList list = new RecentList(directory, sequence.list(family), configFile);
                if (!list.exists()) {
                    throw new MissingListException(list.file(), configFile.toString(), null);
                }
            }
        }
    }

    /** What the config says that works but will probably surprise, and how full the kernel's lists may get. */
    private static void warn(ServerConfig config) {
        for (ConfigWarning warning : config.warnings()) {
            LOG.log(Level.WARNING, "config " + warning);
        }
        RecentLimits limits = RecentLimits.read();
        for (SequenceConfig sequence : config.sequences()) {
            for (int family : new int[] {4, 6}) {
                if (sequence.knocksIn(family)) {
                    limits.warning(sequence.list(family), config.daemon().maxSources())
                            .ifPresent(w -> LOG.log(Level.WARNING, w));
                }
            }
        }
    }

    static String describe(ServerConfig config) {
        return config.sequences().stream()
                .map(s -> s.name() + "[" + s.sequence().steps().stream().map(Object::toString)
                        .collect(Collectors.joining(" ")) + " -> " + s.guardPort() + " " + s.list4() + "/" + s.list6()
                        + " window=" + Durations.text(s.window()) + "]")
                .collect(Collectors.joining(","));
    }
}
