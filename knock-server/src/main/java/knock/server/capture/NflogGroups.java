package knock.server.capture;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import knock.net.NflogSocket;

/**
 * The nflog sockets of this process, one per group and network namespace, each registered once with the epoll
 * event loop that reads it, and shared by the captures that use it. The kernel lets one socket hold a group: a
 * reload opens the next capture while the running one still holds the group, so both must use the same socket.
 * The newest open capture reads it; closing that one hands the socket back to the one before (a failed reload).
 * It stays open while any capture holds it; what arrives while no event is handled waits in its queue.
 * Opened in the calling thread's network namespace.
 */
final class NflogGroups {

    /**
     * A socket, how many captures hold it, and its place on the loop. {@link #holders} is guarded by the
     * {@link NflogGroups} lock; everything else is touched on the loop alone.
     */
    static final class Lease implements EpollIoHandle {
        private static final System.Logger LOG = System.getLogger("knock.server.capture");
        final String key;
        final NflogSocket socket;
        final IoEventLoop loop;
        /** One receive buffer per socket: only the newest capture reads it. */
        final MemorySegment buffer;
        private final Arena arena = Arena.ofShared();
        private final FileDescriptor fd;
        /** Captures that hold the socket, oldest first; the last one reads. */
        private final List<KnockCapture> readers = new ArrayList<>(2);
        private IoRegistration registration;
        private boolean closed;
        int holders;

        Lease(String key, NflogSocket socket, IoEventLoop loop) {
            this.key = key;
            this.socket = socket;
            this.loop = loop;
            this.buffer = arena.allocate(KnockCapture.BUFFER_SIZE, 16);
            // Never closed through netty: NflogSocket owns the descriptor.
            this.fd = new FileDescriptor(socket.fd());
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        /** Makes {@code capture} the reader, registering the socket for EPOLLIN on first use; on the loop. */
        void push(KnockCapture capture) {
            if (closed) {
                throw new IllegalStateException("nflog group " + socket.group() + ": its event loop shut down");
            }
            if (registration == null) {
                Future<IoRegistration> registered = loop.register(this);
                if (!registered.isSuccess()) { // on the loop, registering completes at once
                    throw new IllegalStateException("nflog group " + socket.group() + ": epoll registration failed: "
                            + registered.cause(), registered.cause());
                }
                registration = registered.getNow();
                // Level-triggered: a drain stops after a batch and epoll reports the rest at the next turn.
                registration.submit(EpollIoOps.EPOLLIN);
            }
            readers.add(capture);
        }

        /** Takes {@code capture} off the readers; on the loop. */
        void remove(KnockCapture capture) {
            readers.remove(capture);
        }

        /** Ready to read: the newest capture drains a batch. Runs on the loop; never throws. */
        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            if (!readers.isEmpty()) {
                try {
                    readers.getLast().drain(fd, buffer);
                } catch (RuntimeException e) {
                    // netty would log it with a stack trace and pause the loop for a second
                    LOG.log(Level.ERROR, "capture failed nflog-group=" + socket.group() + " error=" + e);
                }
            }
            // No reader for a moment: the capture that opened it is queued behind this event; it reads next turn.
        }

        /** Leaves the loop and closes the socket, which unbinds the group; on the loop (or after it ended). */
        void unregister() {
            if (closed) {
                return;
            }
            closed = true;
            readers.clear();
            if (registration != null) {
                registration.cancel(); // before close: the loop's table is keyed by descriptor number
            }
            socket.close();
            arena.close();
        }

        /** The loop is shutting down with the socket still held: let go of it now; the captures' close is a no-op. */
        @Override
        public void close() {
            unregister();
        }
    }

    private static final Map<String, Lease> OPEN = new HashMap<>();

    private NflogGroups() {
    }

    /**
     * The socket bound to {@code group} in this thread's namespace, opened on first use and read on {@code loop}.
     * The caller then {@linkplain Lease#push pushes} its capture on the loop.
     */
    static synchronized Lease acquire(int group, int copyRange, IoEventLoop loop) {
        String key = namespace() + "/" + group;
        Lease lease = OPEN.get(key);
        if (lease == null) {
            NflogSocket socket = NflogSocket.open(group, copyRange);
            try {
                lease = new Lease(key, socket, loop);
            } catch (RuntimeException e) {
                socket.close();
                throw e;
            }
            OPEN.put(key, lease);
        } else if (lease.loop != loop) {
            throw new IllegalStateException("nflog group " + group + " is read by another event loop of this process");
        }
        lease.holders++;
        return lease;
    }

    /** Gives a lease back; the last holder takes the socket off the loop and closes it. On the lease's loop. */
    static synchronized void release(Lease lease) {
        if (--lease.holders == 0) {
            OPEN.remove(lease.key);
            lease.unregister();
        }
    }

    /** The calling thread's network namespace, e.g. {@code net:[4026531840]}. */
    private static String namespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "net:[?]"; // one namespace, as far as we can tell
        }
    }
}
