package knock.server.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import knock.KnockException;

/** Sends one command to a running daemon and returns its answer; a plain blocking socket, no event loop. */
public final class ControlClient {

    private static final int MAX_REPLY = 16 << 20;

    private ControlClient() {
    }

    public static String send(Path socket, String command) {
        if (!Files.exists(socket)) {
            throw new DaemonUnreachableException(socket + ": no control socket (is knock-server running? "
                    + "the path is the config's control-socket)");
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                reply.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
                if (reply.size() > MAX_REPLY) {
                    throw new DaemonUnreachableException(socket + ": reply larger than 16 MiB");
                }
            }
            return reply.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DaemonUnreachableException(socket + ": " + e.getMessage()
                    + " (is knock-server running? are you root?)");
        }
    }

    /** The daemon could not be asked. Exit code 1. */
    public static final class DaemonUnreachableException extends KnockException {
        DaemonUnreachableException(String message) {
            super(message, FAILURE, null);
        }
    }
}
