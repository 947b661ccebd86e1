package knock.testnet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * An established TCP connection from one host to another, kept open so a test can show that it keeps
 * working after the firewall changes (the {@code RELATED,ESTABLISHED} rule at work), e.g. once the knock
 * has expired.
 *
 * <p>Every wait is bounded by the timeout given at connect. Closed with the test network if not before.
 */
public final class Connection implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;

    Connection(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
    }

    /** The local end, e.g. to match the source port in a rule or a log line. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Sends {@code data} and reads back as many bytes (an echo server answers with the same ones); throws
     * {@link SocketTimeoutException} when they do not all come within the timeout, and an
     * {@code IOException} when the peer resets or closes the connection.
     */
    public byte[] roundTrip(byte[] data) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer out = ByteBuffer.wrap(data);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "sending " + data.length + " bytes");
            }
        }
        ByteBuffer in = ByteBuffer.allocate(data.length);
        while (in.hasRemaining()) {
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("connection to " + channel.getRemoteAddress() + " closed after "
                        + in.position() + " of " + data.length + " bytes");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, "reading " + data.length + " bytes (got " + in.position() + ")");
            }
        }
        return in.array();
    }

    private void await(int op, long deadline, String what) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        key.interestOps(op);
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException(what + " with " + channel.getRemoteAddress()
                    + ": no progress within " + timeout);
        }
        // A wake-up with nothing ready just comes back here; the deadline bounds the retries.
        selector.select(Math.max(1, remaining / 1_000_000));
        selector.selectedKeys().clear();
    }

    /** True until closed, by us or by teardown. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
