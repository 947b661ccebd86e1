package knock.client.spa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import knock.KnockException;
import knock.client.ClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import knock.spa.SshWire;

/**
 * The agent protocol against a scripted agent on a UNIX socket of the test's own: what goes over the wire,
 * and one line for every way an agent can fail us (silent, gone, closing, lying about lengths).
 */
class SshAgentTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private Thread thread;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }

    private Path listen() throws IOException {
        Path socket = dir.resolve("agent.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return socket;
    }

    /** An agent that reads one request and answers with what {@code answer} makes of it (null: hang up). */
    private Path agent(UnaryOperator<byte[]> answer, AtomicReference<byte[]> seen) throws IOException {
        Path socket = listen();
        thread = Thread.ofPlatform().daemon().start(() -> {
            try (SocketChannel c = server.accept()) {
                ByteBuffer length = ByteBuffer.allocate(4);
                while (length.hasRemaining() && c.read(length) >= 0) {
                    // read the length
                }
                ByteBuffer request = ByteBuffer.allocate(length.getInt(0));
                while (request.hasRemaining() && c.read(request) >= 0) {
                    // read the request
                }
                seen.set(request.array());
                byte[] reply = answer.apply(request.array());
                if (reply != null) {
                    c.write(ByteBuffer.wrap(reply));
                }
            } catch (IOException e) {
                // the test closed the server
            }
        });
        return socket;
    }

    private static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Test
    void theKeyListIsParsedInTheAgentsOrder() throws IOException {
        byte[] a = KeyBlobs.ed25519(new byte[32]);
        byte[] b = new SshWire.Writer().string("ssh-rsa").bytes(new byte[] {1, 0, 1}).toByteArray();
        byte[] answer = new SshWire.Writer().u8(SshAgent.IDENTITIES_ANSWER).u32(2).bytes(a).string("one").bytes(b)
                .string("two").toByteArray();
        AtomicReference<byte[]> seen = new AtomicReference<>();
        Path socket = agent(request -> framed(answer), seen);
        List<SshAgent.Identity> keys = new SshAgent(socket.toString(), SHORT).identities();
        assertArrayEquals(new byte[] {SshAgent.REQUEST_IDENTITIES}, seen.get());
        assertEquals(2, keys.size());
        assertArrayEquals(a, keys.get(0).blob());
        assertEquals("one", keys.get(0).comment());
        assertEquals("two", keys.get(1).comment());
    }

    @Test
    void aSignRequestCarriesKeyDataAndFlagsZero() throws IOException {
        byte[] blob = KeyBlobs.ed25519(new byte[32]);
        byte[] signature = new SshWire.Writer().string("ssh-ed25519").bytes(new byte[64]).toByteArray();
        AtomicReference<byte[]> seen = new AtomicReference<>();
        Path socket = agent(request -> framed(new SshWire.Writer().u8(SshAgent.SIGN_RESPONSE).bytes(signature)
                .toByteArray()), seen);
        byte[] got = new SshAgent(socket.toString(), SHORT).sign(blob, new byte[] {7, 8, 9});
        assertArrayEquals(signature, got);
        assertArrayEquals(new SshWire.Writer().u8(SshAgent.SIGN_REQUEST).bytes(blob).bytes(new byte[] {7, 8, 9})
                .u32(0).toByteArray(), seen.get());
    }

    @Test
    void aFailureAnswerToASignRequestIsNull() throws IOException {
        Path socket = agent(request -> framed(new byte[] {SshAgent.FAILURE}), new AtomicReference<>());
        assertNull(new SshAgent(socket.toString(), SHORT).sign(KeyBlobs.ed25519(new byte[32]), new byte[1]));
    }

    @Test
    @Timeout(30) // a guard: without the deadline the exchange would block for ever
    void anAgentThatNeverAnswersTimesOutWithOneLine() throws IOException {
        Path socket = listen(); // listening, never accepting: connect succeeds through the backlog, no answer
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertEquals("ssh-agent at " + socket + " did not answer within 300ms", e.getMessage());
        assertEquals(KnockException.FAILURE, e.exitCode());
    }

    @Test
    void aMissingSocketIsUnreachable() {
        Path socket = dir.resolve("none.sock");
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertTrue(e.getMessage().startsWith("ssh-agent at " + socket + " unreachable ("), e.getMessage());
    }

    @Test
    void anAgentThatHangsUpIsOneLine() throws IOException {
        Path socket = agent(request -> null, new AtomicReference<>());
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertEquals("ssh-agent at " + socket + " closed the connection without an answer", e.getMessage());
    }

    @Test
    void anAnswerClaimingAHugeLengthIsRefusedBeforeAllocating() throws IOException {
        Path socket = agent(request -> new byte[] {(byte) 0x7f, 0, 0, 0}, new AtomicReference<>());
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertEquals("ssh-agent at " + socket + " sent a message of 2130706432 bytes (expected: 1-262144)",
                e.getMessage());
    }

    @Test
    void aKeyListThatRunsPastItsEndIsMalformed() throws IOException {
        byte[] answer = new SshWire.Writer().u8(SshAgent.IDENTITIES_ANSWER).u32(3).bytes(new byte[4]).toByteArray();
        Path socket = agent(request -> framed(answer), new AtomicReference<>());
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertTrue(e.getMessage().startsWith("ssh-agent at " + socket + ": malformed key list (truncated"),
                e.getMessage());
    }

    @Test
    void anUnexpectedAnswerTypeIsOneLine() throws IOException {
        Path socket = agent(request -> framed(new byte[] {SshAgent.SIGN_RESPONSE}), new AtomicReference<>());
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertEquals("ssh-agent at " + socket + " answered message type 14 when asked for its key list",
                e.getMessage());
    }

    @Test
    void anAgentThatRefusesToListItsKeysIsOneLine() throws IOException {
        Path socket = agent(request -> framed(new byte[] {SshAgent.FAILURE}), new AtomicReference<>());
        ClientException e = assertThrows(ClientException.class,
                () -> new SshAgent(socket.toString(), SHORT).identities());
        assertEquals("ssh-agent at " + socket + " refused to list its keys", e.getMessage());
    }
}
