package knock.client.spa;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import knock.client.ClientException;
import knock.config.Durations;
import knock.spa.SshWire;

/**
 * A client of ssh-agent (draft-miller-ssh-agent) over its UNIX socket: the key list (REQUEST_IDENTITIES 11,
 * answered by 12) and signatures (SIGN_REQUEST 13, answered by 14 or FAILURE 5). Each request is its own
 * connection, so nothing stays open between listing and signing.
 *
 * <p>Every exchange (connect, write, read) runs against one deadline on a non-blocking channel: an agent that
 * is stopped, or a stale {@code SSH_AUTH_SOCK} that some other process listens on, costs at most the timeout
 * and one line, never a hung client. Failures are {@link ClientException#failure} lines naming the socket.
 */
final class SshAgent {

    /** How long one exchange with the agent may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    static final int FAILURE = 5;
    static final int REQUEST_IDENTITIES = 11;
    static final int IDENTITIES_ANSWER = 12;
    static final int SIGN_REQUEST = 13;
    static final int SIGN_RESPONSE = 14;
    /** OpenSSH's AGENT_MAX_LEN: no answer may claim more. */
    private static final int MAX_MESSAGE = 256 * 1024;

    /** One key the agent holds: its public key blob and comment. */
    record Identity(byte[] blob, String comment) {
    }

    private final String socket;
    private final Duration timeout;

    SshAgent(String socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** The agent's socket path, for messages. */
    String socket() {
        return socket;
    }

    /** The keys the agent offers, in its order. */
    List<Identity> identities() throws ClientException {
        byte[] answer = exchange(new byte[] {REQUEST_IDENTITIES});
        try {
            SshWire.Reader in = new SshWire.Reader(answer);
            int type = in.u8();
            if (type == FAILURE) {
                throw ClientException.failure("ssh-agent at " + socket + " refused to list its keys");
            }
            if (type != IDENTITIES_ANSWER) {
                throw unexpected(type, "its key list");
            }
            long n = in.u32();
            List<Identity> keys = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                keys.add(new Identity(in.bytes(), in.string()));
            }
            return keys;
        } catch (SshWire.Malformed e) {
            throw ClientException.failure("ssh-agent at " + socket + ": malformed key list (" + e.getMessage() + ")");
        }
    }

    /**
     * The signature blob ({@code string type, string signature}) the agent makes with the key {@code blob} over
     * {@code data} with flags 0, or {@code null} when it answers FAILURE (refuses, or no longer holds the key).
     */
    byte[] sign(byte[] blob, byte[] data) throws ClientException {
        byte[] request = new SshWire.Writer().u8(SIGN_REQUEST).bytes(blob).bytes(data).u32(0).toByteArray();
        byte[] answer = exchange(request);
        try {
            SshWire.Reader in = new SshWire.Reader(answer);
            int type = in.u8();
            if (type == FAILURE) {
                return null;
            }
            if (type != SIGN_RESPONSE) {
                throw unexpected(type, "a signature");
            }
            return in.bytes();
        } catch (SshWire.Malformed e) {
            throw ClientException.failure("ssh-agent at " + socket + ": malformed signature (" + e.getMessage() + ")");
        }
    }

    private ClientException unexpected(int type, String what) {
        return ClientException.failure("ssh-agent at " + socket + " answered message type " + type + " when asked for "
                + what);
    }

    /** Sends one message (without its length) and returns the answer (without its length). */
    byte[] exchange(byte[] message) throws ClientException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            try {
                if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                    do {
                        await(selector, key, SelectionKey.OP_CONNECT, deadline);
                    } while (!channel.finishConnect());
                }
            } catch (IOException e) {
                throw ClientException.failure("ssh-agent at " + socket + " unreachable (" + reason(e) + ")", e);
            }
            ByteBuffer out = ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).flip();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer length = ByteBuffer.allocate(4);
            read(channel, selector, key, length, deadline);
            int n = length.getInt(0);
            if (n < 1 || n > MAX_MESSAGE) {
                throw ClientException.failure("ssh-agent at " + socket + " sent a message of " + Integer.toUnsignedString(n)
                        + " bytes (expected: 1-" + MAX_MESSAGE + ")");
            }
            ByteBuffer answer = ByteBuffer.allocate(n);
            read(channel, selector, key, answer, deadline);
            return answer.array();
        } catch (IOException e) {
            throw ClientException.failure("ssh-agent at " + socket + ": " + reason(e), e);
        }
    }

    private void read(SocketChannel channel, Selector selector, SelectionKey key, ByteBuffer into, long deadline)
            throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into);
            if (n < 0) {
                throw ClientException.failure("ssh-agent at " + socket + " closed the connection without an answer");
            }
            if (n == 0) {
                await(selector, key, SelectionKey.OP_READ, deadline);
            }
        }
    }

    private void await(Selector selector, SelectionKey key, int ops, long deadline) throws IOException {
        key.interestOps(ops);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw ClientException.failure("ssh-agent at " + socket + " did not answer within "
                        + Durations.text(timeout));
            }
            int ready = selector.select(Math.max(1, (left + 999_999) / 1_000_000));
            selector.selectedKeys().clear();
            if (ready > 0) {
                return;
            }
        }
    }

    private static String reason(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
