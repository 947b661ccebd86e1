package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code knock} as its own process, on loopback: what only a real JVM start shows (stdin/stdout, exit). */
class KnockProcessTest {

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    record Result(int code, byte[] out, String err) {
    }

    private Result run(List<String> jvmOptions, byte[] stdin, String... args) throws Exception {
        Process p = KnockProcess.start(KnockProcess.command(jvmOptions, args));
        try {
            Future<byte[]> out = pool.submit(() -> p.getInputStream().readAllBytes());
            Future<byte[]> err = pool.submit(() -> p.getErrorStream().readAllBytes());
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "knock " + String.join(" ", args) + " did not end");
            return new Result(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private List<String> hostsFile() throws IOException {
        // the JDK resolves from this file alone: no DNS query leaves the machine
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 fw\n::1 fw6\n");
        return List.of("-Djdk.net.hosts.file=" + hosts, "-Duser.home=" + dir);
    }

    @Test
    void anUnresolvableNameIsOneLineAndExitTwo() throws Exception {
        Result r = run(hostsFile(), new byte[0], "-F", "/dev/null", "no-such-host.invalid", "7000");
        assertEquals(2, r.code(), r.err());
        assertEquals("knock: cannot resolve 'no-such-host.invalid' (expected: a host name or address)\n", r.err());
    }

    @Test
    void aNameIsResolvedOnceAndKnockedOn() throws Exception {
        Result r = run(hostsFile(), new byte[0], "-F", "/dev/null", "-v", "fw", "7000/udp", "7001");
        assertEquals(0, r.code(), r.err());
        assertEquals("knock: sent 7000/udp to 127.0.0.1 (datagram)\nknock: sent 7001/tcp to 127.0.0.1 (syn)\n", r.err());
    }

    @Test
    void fdpassWithAStdoutThatIsNoSocketIsOneLine() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Result r = run(List.of(), new byte[0], "proxy", "--fdpass", "-F", "/dev/null", "127.0.0.1", String.valueOf(port));
            assertEquals(2, r.code(), r.err());
            assertEquals("knock: --fdpass: stdout is not a socket (expected: run by ssh with ProxyUseFdpass yes)\n", r.err());
        }
    }

    @Test
    void theProxyCarriesTenMegabytesEachWayIntact() throws Exception {
        byte[] up = new byte[10 << 20];
        byte[] down = new byte[10 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Future<byte[]> seen = pool.submit(() -> {
                try (SocketChannel peer = server.accept()) {
                    Future<byte[]> received = pool.submit(() -> peer.socket().getInputStream().readAllBytes());
                    ByteBuffer b = ByteBuffer.wrap(down);
                    while (b.hasRemaining()) {
                        peer.write(b);
                    }
                    peer.shutdownOutput();
                    return received.get();
                }
            });
            Result r = run(List.of(), up, "proxy", "-F", "/dev/null", "127.0.0.1", String.valueOf(port), "7000/udp");
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.err(), "the proxy is quiet");
            assertArrayEquals(sha256(up), sha256(seen.get(30, TimeUnit.SECONDS)), "stdin to the server: 10 MB changed");
            assertArrayEquals(sha256(down), sha256(r.out()), "the server to stdout: 10 MB changed");
        }
    }

    @Test
    void theProxyReportsAClosedPortOnStderrOnly() throws Exception {
        int port;
        try (ServerSocketChannel gone = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = ((InetSocketAddress) gone.getLocalAddress()).getPort();
        }
        Result r = run(List.of(), new byte[0], "proxy", "--timeout=1s", "-F", "/dev/null", "127.0.0.1", String.valueOf(port));
        assertEquals(1, r.code());
        assertEquals(0, r.out().length, "stdout belongs to ssh");
        assertEquals("knock: port " + port + " on 127.0.0.1 not open after 1s (last attempt: refused)\n", r.err());
        assertFalse(r.err().contains("Exception"));
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
