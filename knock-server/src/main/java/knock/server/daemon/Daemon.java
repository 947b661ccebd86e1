package knock.server.daemon;

import java.io.IOException;
import java.net.InetAddress;
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

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import knock.KnockException;
import knock.config.Durations;
import knock.log.JournalLoggerFinder;
import knock.net.Address;
import knock.net.Source;
import knock.server.Knock;
import knock.server.capture.KnockCapture;
import knock.server.config.ConfigWarning;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.control.ControlServer;
import knock.server.recent.MissingListException;
import knock.server.recent.RecentLimits;
import knock.server.recent.RecentList;
import knock.server.spa.SpaReceiver;
import knock.server.spa.SpaVerdict;
import knock.server.track.Outcome;
import knock.server.track.SequenceTracker;

/**
 * The running knock-server. One netty epoll event loop owns everything that changes: it reads the nflog socket
 * itself ({@link KnockCapture}), and runs the tracker, the expiry timer, the list writes, the control socket and
 * reloads. So no state is shared between threads, nothing needs a lock, and a knock reaches the tracker with no
 * thread wake-up between. Without netty's native epoll library the daemon does not start.
 *
 * <p>Restart safety: entries already on the lists at start are adopted with a fresh window, so what a crashed
 * daemon admitted still expires. Stopping leaves the lists as they are for the next start to adopt.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = System.getLogger("knock.server");
    /** Most "spa refused" lines per second; the rest are counted in the next line's suppressed=. */
    private static final int REFUSAL_LINES_PER_SECOND = 10;
    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger NETTY_LOG = java.util.logging.Logger.getLogger("io.netty");

    private final Path configFile;
    private final Path listDirectory;
    private final EventLoopGroup group;
    private final IoEventLoop loop;
    private final Counters counters = new Counters();
    private final KernelLists lists;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final long startedNanos = System.nanoTime();
    private final Deadlines deadlines;

    private ServerConfig config;
    private SequenceTracker tracker;
    // Replaced on the loop by a reload; read by close() on the shutdown-hook thread.
    private volatile KnockCapture capture;
    private ControlServer control;
    /** Judges datagrams to spa-ports; null while no sequence is signed. */
    private SpaReceiver spa;
    /** Bounds the refusal lines of signed knocks: a flood is counted in full, logged in part. */
    private final LogRation refusalLog = new LogRation(REFUSAL_LINES_PER_SECOND);
    private int adopted;
    /** Whether the tracker follows the wall clock (a sequence is time-derived). */
    private boolean timeDerived;
    private volatile boolean closed;

    private Daemon(Path configFile, Path listDirectory, ServerConfig config) {
        this.configFile = configFile;
        this.listDirectory = listDirectory;
        this.config = config;
        this.group = new QuietLoopGroup();
        this.loop = (IoEventLoop) group.next();
        this.lists = new KernelLists(listDirectory, configFile, counters);
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
        requireEpoll();
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
        tracker.wallClock(System.currentTimeMillis(), now);
        timeDerived = tracker.timeDerived();
        adopted = adopt(now);
        spa = config.spa() == null ? null : new SpaReceiver(config, System.currentTimeMillis(), now);
        capture = KnockCapture.open(config, loop, this::handle);
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
        if (spa != null && spa.takes(knock)) {
            signed(knock);
            return;
        }
        if (timeDerived) {
            // Per packet, so a wall clock set or stepped (NTP at boot) is followed at once; a vDSO read, no garbage.
            tracker.wallClock(System.currentTimeMillis(), System.nanoTime());
        }
        Outcome outcome = deadlines.judge(knock);
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "knock " + knock + " outcome=" + outcome.name().toLowerCase(java.util.Locale.ROOT)
                    + " sport=" + knock.srcPort());
        }
    }

    /**
     * A datagram to a spa-port: the receiver judges it, the tracker admits what it passes. A refusal allocates
     * nothing unless its line is logged (at most {@value #REFUSAL_LINES_PER_SECOND} a second): junk floods.
     */
    private void signed(Knock knock) {
        SpaVerdict verdict = spa.receive(knock, System.currentTimeMillis());
        if (verdict == SpaVerdict.ADMIT) {
            InetAddress address = spa.admittedAddress();
            String sequence = spa.admittedSequence().name();
            Outcome outcome = deadlines.admitSigned(sequence, Address.family(address), Address.hi(address),
                    Address.lo(address), knock.receivedNanos());
            LOG.log(Level.INFO, "spa src=" + source(knock) + " key=" + spa.lastKey() + " sequence=" + sequence
                    + " admit=" + address.getHostAddress() + " outcome="
                    + outcome.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            long suppressed = refusalLog.suppressedBefore(knock.receivedNanos());
            if (suppressed >= 0) {
                String detail = spa.lastDetail();
                LOG.log(Level.WARNING, "spa refused src=" + source(knock) + " reason=" + verdict.label + " key="
                        + spa.lastKey() + (detail == null ? "" : " detail=\"" + detail + "\"")
                        + (suppressed > 0 ? " suppressed=" + suppressed : ""));
            }
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "spa src=" + source(knock) + " dst=" + Address.format(knock.family(), knock.dstHi(),
                    knock.dstLo()) + " verdict=" + verdict.label + " length=" + knock.payloadLength());
        }
    }

    private static String source(Knock knock) {
        return Address.format(knock.family(), knock.srcHi(), knock.srcLo());
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
                nextCapture = KnockCapture.open(next, loop, this::handle);
            } catch (KnockException e) {
                LOG.log(Level.ERROR, "reload failed, keeping the running config: " + e.getMessage());
                return;
            }
            try {
                switchTo(next, nextCapture);
            } catch (RuntimeException e) {
                // Close the new capture, or every failed reload leaks its hold on the socket; the running one
                // reads again.
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
        timeDerived = tracker.timeDerived();
        JournalLoggerFinder.threshold(JournalLoggerFinder.level(next.daemon().logLevel()));
        warn(next);
        config = next;
        if (next.spa() == null) {
            spa = null;
        } else if (spa == null) {
            spa = new SpaReceiver(next, System.currentTimeMillis(), System.nanoTime());
        } else {
            spa.reconfigure(next, System.nanoTime());
        }
        lists.keepOnly(config);
        // Both share the group's socket and the newest reads it; this runs on the loop that reads, so no packet
        // is read in between and none is missed in the switch.
        capture.close();
        capture = nextCapture;
        deadlines.arm();
        LOG.log(Level.INFO, "reload config=" + configFile + " sequences=" + describe(config) + " capture="
                + capture);
    }

    /** Answers a control-socket request; runs on the loop, so it sees a consistent state. */
    private String command(String request) {
        return switch (request) {
            case "status" -> {
                reconcile();
                yield StatusReport.render(config, tracker, counters, capture, spa, startedNanos, System.nanoTime());
            }
            default -> "error: unknown command '" + request + "' (expected: status)\n";
        };
    }

    /**
     * Forgets listed sources the kernel lists no longer hold (the ruleset was reloaded, an admin wrote
     * {@code -ADDR} or {@code /}), so that status never claims an entry the kernel lacks. Re-adding them would
     * undo an admin's flush.
     */
    private void reconcile() {
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
        lists.close();
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

    /**
     * The loop is netty's epoll one: without its native library (found on java.library.path, or extracted from
     * its jar) nothing reads the nflog socket. Checked once, with netty's own cause kept for the message.
     */
    private static void requireEpoll() {
        // netty logs through java.util.logging, two lines per record on stderr; its INFO on a failed load (a
        // noexec hint) would precede our one line, which says the same. Its warnings still show.
        NETTY_LOG.setLevel(java.util.logging.Level.WARNING);
        if (!Epoll.isAvailable()) {
            throw new DaemonException("epoll unavailable: " + oneLine(Epoll.unavailabilityCause())
                    + " (the daemon reads knocks on netty's native epoll loop: "
                    + "libnetty_transport_native_epoll_x86_64.so from java.library.path or extracted to "
                    + "io.netty.native.workdir, else java.io.tmpdir, which must allow exec)");
        }
    }

    /** A cause and the causes under it, on one line: netty's chain says what failed to load and why. */
    private static String oneLine(Throwable cause) {
        StringBuilder line = new StringBuilder();
        for (Throwable t = cause; t != null && line.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            line.append(line.isEmpty() ? "" : ": ").append(message.lines().findFirst().orElse("").strip());
        }
        return line.toString();
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
                .map(s -> s.name() + "[" + (s.signed() ? "spa/" + s.spaPort()
                        : s.sequence().timeDerived() ? "time-derived " + s.sequence().derived()
                        : s.sequence().steps().stream().map(Object::toString).collect(Collectors.joining(" ")))
                        + " -> " + s.guardPort() + " " + s.list4() + "/" + s.list6()
                        + " window=" + Durations.text(s.window()) + "]")
                .collect(Collectors.joining(","));
    }
}
