package knock.server.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Serves the control socket on the daemon's event loop, so a command sees the daemon's state without locks. The
 * loop is netty's epoll one (it reads the nflog socket too), so the channel is epoll's unix socket.
 * A request is one line of at most {@value #MAX_REQUEST} bytes; anything longer closes the connection, and so
 * does a connection still open {@link #LIFETIME} after it was accepted (silence, a request trickled a byte at
 * a time, a reply never read): a stuck client holds nothing for long. The socket file is created owner-only
 * (0600): status shows who is admitted.
 */
public final class ControlServer implements AutoCloseable {

    static final int MAX_REQUEST = 256;
    /** How long a connection may stay open: a status request and its reply take milliseconds. */
    public static final Duration LIFETIME = Duration.ofSeconds(10);

    private final Path path;
    private final Channel channel;

    private ControlServer(Path path, Channel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Binds the socket, replacing a stale socket file of an earlier run.
     *
     * @param group an epoll group ({@code EpollIoHandler})
     *
     * @param commands answers a request line (without the newline) with the reply text; runs on the event loop
     */
    public static ControlServer bind(EventLoopGroup group, Path path, Function<String, String> commands)
            throws IOException {
        return bind(group, path, commands, LIFETIME);
    }

    /**
     * Binds the socket as {@link #bind(EventLoopGroup, Path, Function)} does, closing every connection
     * {@code lifetime} after it was accepted (tests shorten it).
     */
    static ControlServer bind(EventLoopGroup group, Path path, Function<String, String> commands, Duration lifetime)
            throws IOException {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime " + lifetime + " (expected: > 0)");
        }
        long lifetimeNanos = lifetime.toNanos();
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(path);
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new RequestHandler(commands, lifetimeNanos));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile()))
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

    /** Collects one request line, answers it, closes; closes anyway when the connection's time is up. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {

        private final Function<String, String> commands;
        private final long lifetimeNanos;
        private final StringBuilder line = new StringBuilder();
        private ScheduledFuture<?> deadline;

        RequestHandler(Function<String, String> commands, long lifetimeNanos) {
            this.commands = commands;
            this.lifetimeNanos = lifetimeNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // Scheduled on the channel's own event loop: no lock, and it dies with the loop.
            deadline = ctx.executor().schedule(() -> {
                ctx.close();
            }, lifetimeNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            deadline.cancel(false);
            ctx.fireChannelInactive();
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
