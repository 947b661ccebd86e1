package knock.server.capture;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import knock.net.Interfaces;
import knock.net.NativeException;
import knock.net.NflogMessages;
import knock.net.NflogSocket;
import knock.net.Poller;
import knock.packet.PacketDecoder;
import knock.server.Knock;
import knock.server.config.ServerConfig;

/**
 * Sees every knock the box's INPUT chain sees: the daemon-mode ruleset's NFLOG rules copy TCP SYNs, UDP datagrams
 * and echo requests near the knock ports to an nflog group ({@code [server] nflog-group}), and one capture thread
 * reads them from an {@link NflogSocket}, decodes them and calls the {@link KnockSink}. Since the copies come from
 * INPUT, the daemon judges exactly what the kernel would deliver: reassembled, past rp_filter, martian and VLAN
 * checks, addressed to the box; the packets themselves go on to the DROP policy.
 *
 * <p>Life cycle: {@link #open} binds the group in the calling thread's network namespace (so a daemon can do it
 * before it drops privileges, and a test on a thread that called setns(2)); {@link #start} starts the thread;
 * {@link #close} wakes it through an eventfd, joins it and gives the socket back. The socket is shared with
 * another capture of the same group in the same process ({@link NflogGroups}): the kernel lets one socket hold a
 * group, and a reload opens the next capture before it closes the running one. No time batching: the group's
 * queue threshold is 1, so a packet reaches the sink as soon as poll(2) returns, microseconds after INPUT.
 *
 * <p>The receive loop allocates nothing: the buffer, the message walker, the decoder, the {@link Knock} holder,
 * the pollfd array and FFM call state are made once; the counters are plain fields written by the capture thread
 * alone and read anywhere ({@code volatile}). A configured {@code interfaces} list is a filter on the interface a
 * packet came in on, its indexes resolved at open.
 */
public final class KnockCapture implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("knock.server.capture");

    /** Bytes copied per packet: IP header, a long IPv6 extension chain and the transport header fit. */
    static final int COPY_RANGE = 512;
    /** One read: a message with the copy range, or several (the kernel may batch under load). */
    static final int BUFFER_SIZE = 65536;
    /** Reads before the loop checks its flag again. */
    private static final int BATCH = 64;
    /** poll(2) timeout: the loop rechecks its flag at least this often even if a wakeup were lost. */
    private static final int POLL_MILLIS = 1000;
    private static final long JOIN_MILLIS = 2000;

    private final NflogGroups.Lease lease;
    private final NflogSocket socket;
    private final List<String> names;
    private final int[] interfaces;
    private final KnockSink sink;
    private final Poller poller;
    private final NflogMessages messages = new NflogMessages();
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
    private volatile long dropped;
    private volatile long errors;

    private KnockCapture(NflogGroups.Lease lease, List<String> names, int[] interfaces, KnockSink sink) {
        this.lease = lease;
        this.socket = lease.socket;
        this.names = names;
        this.interfaces = interfaces;
        this.sink = sink;
        this.poller = new Poller(socket.fd());
    }

    /**
     * Binds {@code config}'s nflog group in the calling thread's network namespace (or shares this process's
     * socket for it) and resolves its interfaces.
     *
     * @throws NativeException if an interface does not exist, the group is taken or CAP_NET_ADMIN is missing
     */
    public static KnockCapture open(ServerConfig config, KnockSink sink) {
        return open(config.daemon().nflogGroup(), config.daemon().interfaces(), sink);
    }

    /** As {@link #open(ServerConfig, KnockSink)}, with the group and the interfaces (empty for all) given. */
    static KnockCapture open(int group, List<String> interfaceNames, KnockSink sink) {
        int[] indexes = new int[interfaceNames.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = Interfaces.index(interfaceNames.get(i));
        }
        NflogGroups.Lease lease = NflogGroups.acquire(group, COPY_RANGE);
        try {
            return new KnockCapture(lease, interfaceNames.isEmpty() ? List.of("all") : List.copyOf(interfaceNames),
                    indexes, sink);
        } catch (RuntimeException e) {
            NflogGroups.release(lease);
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
                drain(buffer);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "capture stopped nflog-group=" + socket.group() + " error=" + e.getMessage());
            throw e;
        }
    }

    private void drain(MemorySegment buffer) {
        for (int n = 0; n < BATCH && !stopping; n++) {
            int length;
            try {
                length = socket.receive(buffer);
            } catch (NativeException e) {
                errors++;
                LOG.log(Level.WARNING, "capture error nflog-group=" + socket.group() + " error=" + e.getMessage());
                return;
            }
            if (length == NflogSocket.NONE) {
                return;
            }
            if (length == NflogSocket.OVERRUN) {
                dropped++; // the kernel's queue overflowed: how many packets is not known, one event counted
                continue;
            }
            if (length > BUFFER_SIZE) {
                malformed++; // cut; what fits is still walked
            }
            messages.reset(buffer, Math.min(length, BUFFER_SIZE));
            long skipped = messages.malformed();
            long overruns = messages.overruns();
            while (messages.next()) {
                packets++;
                if (interfaces.length > 0 && !watched(messages.inInterface())) {
                    ignored++;
                } else {
                    decode(buffer, messages.payloadOffset(), messages.payloadLength());
                }
            }
            malformed += messages.malformed() - skipped;
            dropped += messages.overruns() - overruns;
        }
    }

    private boolean watched(int ifindex) {
        for (int index : interfaces) {
            if (index == ifindex) {
                return true;
            }
        }
        return false;
    }

    private void decode(MemorySegment buffer, long offset, int length) {
        switch (decoder.decodeCut(buffer, offset, length)) {
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

    /** Stops the thread (waking it at once), then gives the socket back; idempotent. */
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
                        JOIN_MILLIS) + "s; socket left open");
                return;
            }
        }
        poller.close();
        NflogGroups.release(lease);
    }

    /** Packets the nflog rules copied to the group (of every verdict). */
    public long packets() {
        return packets;
    }

    /** Packets handed to the sink. */
    public long knocks() {
        return knocks;
    }

    /** Well-formed packets that are no knock (a SYN-ACK, a waypoint's routing header, another interface). */
    public long ignored() {
        return ignored;
    }

    /** Packets or messages too short or inconsistent to judge, dropped. */
    public long malformed() {
        return malformed;
    }

    /** Fragments that cannot carry a knock, dropped (INPUT sees none while conntrack reassembles). */
    public long fragments() {
        return fragments;
    }

    /** Times the kernel dropped copies because the socket's queue was full (ENOBUFS, NLMSG_OVERRUN). */
    public long dropped() {
        return dropped;
    }

    /** Socket errors and sink failures. */
    public long errors() {
        return errors;
    }

    /** The effective setup, for the daemon's start line. */
    @Override
    public String toString() {
        return "nflog-group=" + socket.group() + " interfaces=" + String.join(",", names);
    }
}
