package knock.server.capture;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.IoEventLoop;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;

import knock.net.Errno;
import knock.net.Interfaces;
import knock.net.NativeException;
import knock.net.NflogMessages;
import knock.net.NflogSocket;
import knock.server.Knock;
import knock.server.config.ServerConfig;

/**
 * Sees every knock the box's INPUT chain sees: the daemon-mode ruleset's NFLOG rules copy TCP SYNs, UDP datagrams
 * and echo requests near the knock ports to an nflog group ({@code [server] nflog-group}); the daemon's epoll event
 * loop reads them from an {@link NflogSocket} itself, decodes them and calls the {@link KnockSink} on that loop,
 * where the tracker lives. No capture thread and no hand-off: a thread wake-up (100-300 us on a small VM) costs
 * more than the whole verdict. Since the copies come from INPUT, the daemon judges exactly what
 * the kernel would deliver: reassembled, past rp_filter, martian and VLAN checks, addressed to the box; the
 * packets themselves go on to the DROP policy.
 *
 * <p>Life cycle: {@link #open} binds the group in the calling thread's network namespace (so a daemon can do it
 * before it drops privileges, and a test on a thread that called setns(2)) and from then on the capture reads it
 * on the loop; {@link #close} stops that. Both may be called on any thread: the part that touches the loop's state
 * runs on the loop (at once if called there). The socket is shared with another capture of the same group in the
 * same process ({@link NflogGroups}): the kernel lets one socket hold a group, and a reload opens the next capture
 * before it closes the running one; the newest reads. No time batching: the group's queue threshold is 1, so a
 * packet reaches the sink as soon as epoll_wait(2) returns, microseconds after INPUT.
 *
 * <p>The receive path allocates nothing, under C1 too: the buffer (one per socket), the message walker, the
 * decoder and the {@link Knock} holder are made once, the read is netty's JNI one, and epoll's readiness event is
 * netty's cached one. A readiness event drains
 * at most {@value #BATCH} reads, then the loop runs its timers and tasks and epoll (level-triggered) reports the
 * rest. The counters are written on the loop alone and read anywhere ({@code volatile}). A configured
 * {@code interfaces} list is a filter on the interface a packet came in on, its indexes resolved at open.
 */
public final class KnockCapture implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("knock.server.capture");

    /** Bytes copied per packet: IP header, a long IPv6 extension chain and the transport header fit. */
    static final int COPY_RANGE = 512;
    /** One read: a message with the copy range, or several (the kernel may batch under load). */
    static final int BUFFER_SIZE = 65536;
    /** Reads per readiness event before the loop takes its other work. */
    static final int BATCH = 64;
    private static final long CLOSE_WAIT_SECONDS = 2;

    private final NflogGroups.Lease lease;
    private final NflogSocket socket;
    private final List<String> names;
    private final int[] interfaces;
    private final KnockSink sink;
    private final NflogMessages messages = new NflogMessages();
    private final PacketDecoder decoder = new PacketDecoder();
    private final Knock knock = new Knock();
    private final AtomicBoolean closed = new AtomicBoolean();

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
    }

    /**
     * Binds {@code config}'s nflog group in the calling thread's network namespace (or shares this process's
     * socket for it), resolves its interfaces, and reads it on {@code loop} from now on: {@code sink} is called
     * there.
     *
     * @param loop an epoll loop ({@code EpollIoHandler}); every capture of a group in a namespace uses the same
     * @throws NativeException if an interface does not exist, the group is taken or CAP_NET_ADMIN is missing
     */
    public static KnockCapture open(ServerConfig config, IoEventLoop loop, KnockSink sink) {
        return open(config.daemon().nflogGroup(), config.daemon().interfaces(), loop, sink);
    }

    /** As {@link #open(ServerConfig, IoEventLoop, KnockSink)}, with the group and the interfaces (empty for all). */
    static KnockCapture open(int group, List<String> interfaceNames, IoEventLoop loop, KnockSink sink) {
        int[] indexes = new int[interfaceNames.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = Interfaces.index(interfaceNames.get(i));
        }
        NflogGroups.Lease lease = NflogGroups.acquire(group, COPY_RANGE, loop);
        KnockCapture capture;
        try {
            capture = new KnockCapture(lease, interfaceNames.isEmpty() ? List.of("all") : List.copyOf(interfaceNames),
                    indexes, sink);
            onLoop(loop, () -> lease.push(capture));
        } catch (RuntimeException | Error e) {
            onLoop(loop, () -> NflogGroups.release(lease));
            throw e;
        }
        return capture;
    }

    /**
     * Reads what the socket holds, at most a batch, into {@code buffer}; on the loop, for the lease. The read is
     * netty's JNI read(2) on the non-blocking socket, not {@link NflogSocket#receive}: an FFM downcall that
     * captures errno allocates 40 bytes per call under C1 (the daemon's JIT), and this one allocates only to
     * report an error. Nothing is cut: a message holds at most {@value #COPY_RANGE} bytes of a packet.
     */
    void drain(FileDescriptor fd, MemorySegment buffer) {
        long address = buffer.address();
        for (int n = 0; n < BATCH; n++) {
            int length;
            try {
                length = fd.readAddress(address, 0, BUFFER_SIZE);
            } catch (Errors.NativeIoException e) {
                if (e.expectedErr() == -Errno.ENOBUFS) {
                    dropped++; // the kernel's queue overflowed: how many packets is not known, one event counted
                    continue;
                }
                readFailed(e);
                return;
            } catch (IOException e) {
                readFailed(e);
                return;
            }
            if (length <= 0) {
                return; // EAGAIN: all read
            }
            messages.reset(buffer, length);
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

    private void readFailed(IOException e) {
        errors++;
        LOG.log(Level.WARNING, "capture error nflog-group=" + socket.group() + " error=" + e.getMessage());
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
        switch (decoder.decodeCut(buffer, offset, length, System.nanoTime(), knock)) {
            case KNOCK -> {
                knocks++;
                try {
                    sink.receive(knock);
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

    /**
     * Stops reading (the capture before it, if still open, reads again), then gives the socket back: the last
     * holder closes it. Idempotent; on any thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        onLoop(lease.loop, () -> {
            lease.remove(this);
            NflogGroups.release(lease);
        });
    }

    /**
     * Runs {@code task} on {@code loop}: at once when called there, else it waits for it and rethrows its
     * failure. The socket and the readers belong to the loop; a loop that ended runs nothing more, so then the
     * task runs here.
     */
    private static void onLoop(IoEventLoop loop, Runnable task) {
        if (loop.inEventLoop() || loop.isTerminated()) {
            task.run();
            return;
        }
        Future<?> done;
        try {
            done = loop.submit(task);
        } catch (RejectedExecutionException e) {
            loop.terminationFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            task.run();
            return;
        }
        done.syncUninterruptibly();
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
