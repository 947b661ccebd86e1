package knock.client.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay between a local pipe pair (standing in for a ProxyCommand's stdin/stdout) and a loopback socket
 * whose far end the test plays.
 */
class RelayTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private ServerSocketChannel server;
    private SocketChannel near;
    private SocketChannel far;
    private Pipe stdin;
    private Pipe stdout;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        near = SocketChannel.open(server.getLocalAddress());
        far = server.accept();
        stdin = Pipe.open();
        stdout = Pipe.open();
    }

    @AfterEach
    void close() throws IOException {
        pool.shutdownNow();
        for (var c : new java.nio.channels.Channel[] {server, near, far, stdin.sink(), stdin.source(), stdout.sink(), stdout.source()}) {
            c.close();
        }
    }

    private Future<Void> relay() {
        return pool.submit(() -> {
            new Relay(stdin.source(), stdout.sink(), near).run();
            return null;
        });
    }

    @Test
    void tenMegabytesEachWayAtOnceArriveIntact() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            byte[] up = random(10 << 20, 1);
            byte[] down = random(10 << 20, 2);
            Future<Void> relay = relay();
            Future<byte[]> upSeen = pool.submit(() -> readAll(far));
            Future<byte[]> downSeen = pool.submit(() -> readAll(stdout.source()));
            Future<?> upSent = pool.submit(() -> writeAllAndClose(stdin.sink(), up));
            writeAll(far, down);
            far.shutdownOutput();
            upSent.get();
            assertArrayEquals(sha256(up), sha256(upSeen.get()), "stdin to socket: 10 MB changed on the way");
            assertArrayEquals(sha256(down), sha256(downSeen.get()), "socket to stdout: 10 MB changed on the way");
            relay.get();
        });
    }

    @Test
    void theEndOfStdinHalfClosesTheSocketAndRepliesStillArrive() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Future<Void> relay = relay();
            writeAllAndClose(stdin.sink(), "request".getBytes());
            assertEquals("request", new String(readAll(far)), "the far end sees the request, then end of stream");
            writeAll(far, "reply after the half-close".getBytes());
            far.shutdownOutput();
            assertEquals("reply after the half-close", new String(readAll(stdout.source())));
            relay.get();
        });
    }

    @Test
    void theEndOfTheSocketClosesStdoutWhileStdinStillFlows() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Future<Void> relay = relay();
            far.shutdownOutput();
            assertEquals(0, readAll(stdout.source()).length, "stdout ends when the socket does");
            writeAllAndClose(stdin.sink(), "late data".getBytes());
            assertEquals("late data", new String(readAll(far)), "stdin still reaches the far end");
            relay.get();
        });
    }

    @Test
    void aResetSocketEndsTheRelayWithAFailure() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Future<Void> relay = relay();
            far.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            far.close(); // RST
            var e = assertThrows(java.util.concurrent.ExecutionException.class, relay::get);
            assertInstanceOf(IOException.class, e.getCause(), "a reset is an I/O failure of the relay");
        });
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static void writeAll(WritableByteChannel to, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            to.write(b);
        }
    }

    static Void writeAllAndClose(WritableByteChannel to, byte[] data) throws IOException {
        writeAll(to, data);
        to.close();
        return null;
    }

    static byte[] readAll(ReadableByteChannel from) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        while (from.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }
}
