package knock.server.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import knock.net.NflogSocket;

/**
 * The nflog sockets of this process, one per group and network namespace, shared by the captures that use them.
 * The kernel lets one socket hold a group: a reload opens the next capture while the running one still reads,
 * so both must use the same socket. It stays open while any capture holds it, and what arrives during the switch
 * waits in its queue for the next reader. Opened in the calling thread's namespace.
 */
final class NflogGroups {

    /** A socket and how many captures hold it. */
    static final class Lease {
        final String key;
        final NflogSocket socket;
        int holders;

        Lease(String key, NflogSocket socket) {
            this.key = key;
            this.socket = socket;
        }
    }

    private static final Map<String, Lease> OPEN = new HashMap<>();

    private NflogGroups() {
    }

    /** The socket bound to {@code group} in this thread's namespace, opened on first use. */
    static synchronized Lease acquire(int group, int copyRange) {
        String key = namespace() + "/" + group;
        Lease lease = OPEN.get(key);
        if (lease == null) {
            lease = new Lease(key, NflogSocket.open(group, copyRange));
            OPEN.put(key, lease);
        }
        lease.holders++;
        return lease;
    }

    /** Gives a lease back; the last holder closes the socket, which unbinds the group. */
    static synchronized void release(Lease lease) {
        if (--lease.holders == 0) {
            OPEN.remove(lease.key);
            lease.socket.close();
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
