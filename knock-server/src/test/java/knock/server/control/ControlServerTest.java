package knock.server.control;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket over a real Unix socket in a temp dir. The waits are behaviour bounds, not measurements:
 * a connection's lifetime is shortened to 300 ms, and a client that is never closed fails the test after 10 s
 * instead of hanging it.
 */
class ControlServerTest {

    private static final Duration LIFETIME = Duration.ofMillis(300);
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void stopLoop() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestGetsItsReplyAndTheConnectionCloses() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.bind(group, socket, command -> "you said " + command + "\n", LIFETIME)) {
            assertEquals("you said status\n", ControlClient.send(socket, "status"));
        }
    }

    @Test
    void aClientThatSendsNothingIsClosed() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.bind(group, socket, command -> "reply\n", LIFETIME);
             SocketChannel idle = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            idle.connect(UnixDomainSocketAddress.of(socket));
            assertEquals("", readUntilClosed(idle), "a silent client got an answer");
        }
    }

    @Test
    void aRequestTrickledWithoutItsNewlineIsClosed() throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ControlServer server = ControlServer.bind(group, socket, command -> "reply\n", LIFETIME);
             SocketChannel slow = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            slow.connect(UnixDomainSocketAddress.of(socket));
            slow.write(ByteBuffer.wrap("stat".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("", readUntilClosed(slow), "a request without its newline got an answer");
        }
    }

    @Test
    void theDaemonsLifetimeClosesIdleClientsWithinThirtySeconds() {
        assertTrue(ControlServer.LIFETIME.compareTo(Duration.ofSeconds(30)) <= 0, ControlServer.LIFETIME.toString());
    }

    /** Reads until the server closes; fails (rather than hangs) if it has not within {@link #BOUND}. */
    private static String readUntilClosed(SocketChannel channel) {
        return assertTimeoutPreemptively(BOUND, () -> {
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            StringBuilder got = new StringBuilder();
            try {
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    got.append(StandardCharsets.UTF_8.decode(buffer));
                    buffer.clear();
                }
            } catch (IOException e) {
                // a reset is a close too
            }
            return got.toString();
        }, "the server kept an idle connection open for " + BOUND.toSeconds() + " s (lifetime " + LIFETIME.toMillis()
                + " ms)");
    }
}
