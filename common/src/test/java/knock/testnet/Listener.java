package knock.testnet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP echo server inside a host: the "real listener on port 22" that makes an admitted connect OPEN
 * rather than REJECTED, and answers {@link Connection#roundTrip(byte[])}.
 *
 * <p>The listening socket is created inside the host's namespace by the JVM (no process, no package
 * needed); accepting and echoing run on virtual threads. Closing it closes every accepted connection too.
 */
public final class Listener implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acceptedCount = new AtomicInteger();

    Listener(ServerSocketChannel server) {
        this.server = server;
        Thread.ofVirtual().name("listener-" + address()).start(this::acceptLoop);
    }

    /** The bound address and port. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** How many connections were accepted so far. */
    public int acceptedCount() {
        return acceptedCount.get();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed: teardown
            }
            acceptedCount.incrementAndGet();
            accepted.add(client);
            Thread.ofVirtual().start(() -> echo(client));
        }
    }

    private void echo(SocketChannel client) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try (client) {
            while (client.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    client.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // Reset by the peer or closed by teardown: either way this connection is over.
        } finally {
            accepted.remove(client);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel client : accepted) {
            client.close();
        }
    }
}
