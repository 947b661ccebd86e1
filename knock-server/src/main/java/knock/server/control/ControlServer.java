package knock.server.control;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;

/**
 * Serves the control socket on the daemon's event loop, so a command sees the daemon's state without locks.
 * A request is one line of at most {@value #MAX_REQUEST} bytes; anything longer, or silence, closes the
 * connection. The socket file is created owner-only (0600): status shows who is admitted.
 */
public final class ControlServer implements AutoCloseable {

    static final int MAX_REQUEST = 256;

    private final Path path;
    private final Channel channel;

    private ControlServer(Path path, Channel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Binds the socket, replacing a stale socket file of an earlier run.
     *
     * @param commands answers a request line (without the newline) with the reply text; runs on the event loop
     */
    public static ControlServer bind(EventLoopGroup group, Path path, Function<String, String> commands)
            throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(path);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<NioDomainSocketChannel>() {
                    @Override
                    protected void initChannel(NioDomainSocketChannel ch) {
                        ch.pipeline().addLast(new RequestHandler(commands));
                    }
                })
                .bind(UnixDomainSocketAddress.of(path))
                .syncUninterruptibly()
                .channel();
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return new ControlServer(path, channel);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a socket file left behind is replaced at the next start
        }
    }

    /** Collects one request line, answers it, closes. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {

        private final Function<String, String> commands;
        private final StringBuilder line = new StringBuilder();

        RequestHandler(Function<String, String> commands) {
            this.commands = commands;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            while (in.isReadable()) {
                char c = (char) (in.readByte() & 0xff);
                if (c == '\n') {
                    String reply = commands.apply(line.toString().strip());
                    ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8))
                            .addListener(ChannelFutureListener.CLOSE);
                    ctx.channel().config().setAutoRead(false);
                    return;
                }
                if (line.length() >= MAX_REQUEST) {
                    ctx.close();
                    return;
                }
                line.append(c);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
