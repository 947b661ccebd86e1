package knock.client.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Carries bytes between a local pair of channels (a ProxyCommand's stdin and stdout) and a connected socket,
 * both ways, until both directions have ended. An end of input on one side becomes a half-close on the other:
 * stdin's end shuts the socket's output down, the socket's end closes stdout; the other direction goes on.
 *
 * <p>One thread per direction, blocking: no busy loop, and every read is written out in full before the next
 * read, so nothing is lost however large the transfer. The upstream thread is a daemon: when downstream fails
 * (ssh went away) nobody will close stdin, and the JVM must still be able to exit.
 */
public final class Relay {

    private static final int BUFFER = 64 * 1024;

    private final ReadableByteChannel localIn;
    private final WritableByteChannel localOut;
    private final SocketChannel socket;

    private volatile IOException upstreamFailure;

    public Relay(ReadableByteChannel localIn, WritableByteChannel localOut, SocketChannel socket) {
        this.localIn = localIn;
        this.localOut = localOut;
        this.socket = socket;
    }

    /**
     * Relays until both directions have ended, then closes the socket and {@code localOut}.
     *
     * @throws IOException the first failure of either direction; both channels are closed by then
     */
    public void run() throws IOException {
        Thread upstream = new Thread(this::upstream, "knock-relay-up");
        upstream.setDaemon(true);
        upstream.start();
        try {
            copy(socket, localOut);
            localOut.close();
        } catch (IOException e) {
            closeQuietly();
            IOException first = upstreamFailure;
            throw first != null ? first : e;
        }
        try {
            upstream.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new IOException("interrupted");
        }
        closeQuietly();
        if (upstreamFailure != null) {
            throw upstreamFailure;
        }
    }

    private void upstream() {
        try {
            copy(localIn, socket);
            socket.shutdownOutput();
        } catch (IOException e) {
            upstreamFailure = e;
            closeQuietly(); // wakes the downstream read, which then reports this failure
        }
    }

    private static void copy(ReadableByteChannel from, WritableByteChannel to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        while (from.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                to.write(buffer);
            }
            buffer.clear();
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
        try {
            localOut.close();
        } catch (IOException ignored) {
            // ditto
        }
    }
}
