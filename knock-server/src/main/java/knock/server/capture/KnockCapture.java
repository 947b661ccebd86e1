package knock.server.capture;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import knock.config.ServerConfig;
import knock.net.BpfProgram;
import knock.net.NativeException;
import knock.net.PacketSocket;
import knock.net.Poller;
import knock.packet.PacketDecoder;
import knock.server.Knock;

/**
 * Sees every knock addressed to this box, before netfilter: one {@link PacketSocket} per configured interface
 * (or one for all interfaces, present and future, when none is configured), each running {@link KnockFilter} in
 * the kernel, and one capture thread that decodes what passes and calls the {@link KnockSink}.
 *
 * <p>Life cycle: {@link #open} makes the sockets in the calling thread's network namespace (so a daemon can open
 * them before it drops privileges, and a test on a thread that called setns(2)); {@link #start} starts the thread;
 * {@link #close} wakes it through an eventfd, joins it and closes the sockets. No time batching: a packet reaches
 * the sink as soon as poll(2) returns, microseconds after the kernel queued it.
 *
 * <p>The receive loop allocates nothing: the buffer, decoder, pollfd array and FFM call state are made once; the
 * counters are plain fields written by the capture thread alone and read anywhere ({@code volatile}).
 *
 * <p>Pitfalls: a socket bound to a named interface stops receiving if that interface is deleted (re-created
 * interfaces get a new index; an error is logged and counted). Bound to all interfaces, a packet that crosses two
 * devices addressed to this host (a VLAN and its parent, a bridge and its port) may be seen twice: the tracker's
 * duplicate grace absorbs that.
 */
public final class KnockCapture implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("knock.server.capture");

    /** Receive buffer: the largest IPv4 packet; bigger (GRO) packets are cut and counted as malformed. */
    static final int BUFFER_SIZE = 65536;
    /** Packets read from one socket before the others get a turn. */
    private static final int BATCH = 64;
    /** poll(2) timeout: the loop rechecks its flag at least this often even if a wakeup were lost. */
    private static final int POLL_MILLIS = 1000;
    private static final long JOIN_MILLIS = 2000;

    private final List<PacketSocket> sockets;
    private final List<String> names;
    private final int filterLength;
    private final KnockSink sink;
    private final Poller poller;
    private final PacketDecoder decoder = new PacketDecoder();
    private final Knock knock = new Knock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private Thread thread;

    private volatile long packets;
    private volatile long knocks;
    private volatile long ignored;
    private volatile long malformed;
    private volatile long fragments;
    private volatile long errors;

    private KnockCapture(List<PacketSocket> sockets, List<String> names, int filterLength, KnockSink sink) {
        this.sockets = sockets;
        this.names = names;
        this.filterLength = filterLength;
        this.sink = sink;
        int[] fds = new int[sockets.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = sockets.get(i).fd();
        }
        this.poller = new Poller(fds);
    }

    /**
     * Opens the sockets for {@code config}'s interfaces and sequences, in the calling thread's network namespace.
     *
     * @throws NativeException if an interface does not exist or a socket cannot be made (EPERM names CAP_NET_RAW)
     */
    public static KnockCapture open(ServerConfig config, KnockSink sink) {
        return open(config.daemon().interfaces(), KnockFilter.build(config.sequences()), sink);
    }

    /** As {@link #open(ServerConfig, KnockSink)}, with the interfaces (empty for all) and filter given. */
    static KnockCapture open(List<String> interfaces, BpfProgram filter, KnockSink sink) {
        List<PacketSocket> sockets = new ArrayList<>();
        try {
            if (interfaces.isEmpty()) {
                sockets.add(PacketSocket.open(PacketSocket.ALL_INTERFACES, filter));
            } else {
                for (String name : interfaces) {
                    sockets.add(PacketSocket.open(PacketSocket.interfaceIndex(name), filter));
                }
            }
            return new KnockCapture(List.copyOf(sockets), interfaces.isEmpty() ? List.of("all") : interfaces,
                    filter.length(), sink);
        } catch (RuntimeException e) {
            sockets.forEach(PacketSocket::close);
            throw e;
        }
    }

    /** Starts the capture thread ({@code knock-capture}, a platform daemon thread). */
    public synchronized void start() {
        if (thread != null || closed.get()) {
            throw new IllegalStateException(thread != null ? "capture already started" : "capture closed");
        }
        thread = Thread.ofPlatform().name("knock-capture").daemon().unstarted(this::run);
        thread.start();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(BUFFER_SIZE, 16);
            while (!stopping) {
                if (poller.await(POLL_MILLIS) == 0 || poller.woken()) {
                    continue;
                }
                for (int i = 0; i < sockets.size(); i++) {
                    if (poller.ready(i)) {
                        drain(i, buffer);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "capture stopped interfaces=" + String.join(",", names) + " error=" + e.getMessage());
            throw e;
        }
    }

    private void drain(int index, MemorySegment buffer) {
        PacketSocket socket = sockets.get(index);
        for (int n = 0; n < BATCH && !stopping; n++) {
            int length;
            try {
                length = socket.receive(buffer);
            } catch (NativeException e) {
                errors++;
                LOG.log(Level.WARNING, "capture error interface=" + names.get(index) + " error=" + e.getMessage());
                return;
            }
            if (length < 0) {
                return;
            }
            packets++;
            if (socket.packetType() != PacketSocket.PACKET_HOST) {
                ignored++;
            } else if (length > BUFFER_SIZE) {
                malformed++;
            } else {
                decode(buffer, length);
            }
        }
    }

    private void decode(MemorySegment buffer, int length) {
        switch (decoder.decode(buffer, 0, length)) {
            case KNOCK -> {
                knocks++;
                try {
                    sink.receive(knock.set(decoder.family(), decoder.srcHi(), decoder.srcLo(), decoder.dstHi(),
                            decoder.dstLo(), decoder.protocol(), decoder.value(), decoder.srcPort(),
                            System.nanoTime()));
                } catch (RuntimeException e) {
                    errors++;
                    LOG.log(Level.WARNING, "knock sink failed error=" + e);
                }
            }
            case IGNORED -> ignored++;
            case MALFORMED -> malformed++;
            case FRAGMENT -> fragments++;
        }
    }

    /** Stops the thread (waking it at once), then closes the sockets; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        stopping = true;
        if (t != null) {
            poller.wakeup();
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                // Closing descriptors under a live reader could hand their numbers to someone else's socket.
                LOG.log(Level.WARNING, "capture thread still running after " + TimeUnit.MILLISECONDS.toSeconds(
                        JOIN_MILLIS) + "s; sockets left open");
                return;
            }
        }
        poller.close();
        sockets.forEach(PacketSocket::close);
    }

    /** Packets the kernel filter passed, of every verdict. */
    public long packets() {
        return packets;
    }

    /** Packets handed to the sink. */
    public long knocks() {
        return knocks;
    }

    /** Well-formed packets that are no knock (a SYN-ACK behind an IPv6 extension header, not for this host). */
    public long ignored() {
        return ignored;
    }

    /** Truncated or inconsistent packets, dropped. */
    public long malformed() {
        return malformed;
    }

    /** Fragments that cannot carry a knock, dropped. */
    public long fragments() {
        return fragments;
    }

    /** Socket errors and sink failures. */
    public long errors() {
        return errors;
    }

    /** The effective setup, for the daemon's start line. */
    @Override
    public String toString() {
        return "interfaces=" + String.join(",", names) + " filter=" + filterLength + "insns";
    }
}
