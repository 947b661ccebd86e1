package knock.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Map;

/**
 * The workload the packaged AOT cache is trained on (dist's stage.sh runs it once, with
 * {@code -XX:AOTCacheOutput}, stdin from /dev/null): what {@code knock} does before an ssh, each path once, so
 * that each finds its classes already loaded and linked at every later start. A plain three-step knock (to an
 * address; to a name, as users knock; and with its steps on the command line and no profile file: a lambda left
 * untrained is spun at run time, several milliseconds), a signed knock, and {@code knock proxy} relaying a banner
 * from a loopback listener of its own, all to loopback, with a throwaway profile and key in a temporary
 * directory. Not part of the command line; exits non-zero if a workload fails, so a broken cache is never
 * shipped.
 *
 * <p>Pitfall: every class this process loads goes into the cache, and the JVM loads every class of the cache at
 * every start, needed or not. So the set-up itself uses nothing knock does not: the key and the server's key are
 * constants (no key generation, no bouncycastle encoder), the profile a plain concatenation (no
 * {@code formatted}: its {@code Formatter} parses with regular expressions), no streams, no lambdas.
 */
public final class AotTraining {

    /**
     * A throwaway Ed25519 key made for this training and nothing else (ssh-keygen, no passphrase): it signs
     * knocks to 127.0.0.1 where no server listens. Its public half is in no authorized-keys anywhere.
     */
    private static final String KEY = """
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
            QyNTUxOQAAACDYowWZS2y5klgP3e01wdlMeHMYCCwKbJ7j8p2xwmowgwAAAKBnKPQrZyj0
            KwAAAAtzc2gtZWQyNTUxOQAAACDYowWZS2y5klgP3e01wdlMeHMYCCwKbJ7j8p2xwmowgw
            AAAEAc5FhPs97vKFKmctztCCjoGYE14s0CHAzhG6NkvayNGdijBZlLbLmSWA/d7TXB2Ux4
            cxgILApsnuPynbHCajCDAAAAHWtub2NrIEFPVCB0cmFpbmluZywgdGhyb3dhd2F5
            -----END OPENSSH PRIVATE KEY-----
            """;

    /** A server's public key (X25519, from knock-server keygen) whose private half was thrown away. */
    private static final String SERVER_KEY = "JzyQrzZ98K2+kQA0EIQTmLKiHr7mD4QHl6bL3UGcL2A=";

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("knock-aot");
        Path key = dir.resolve("id_ed25519");
        Path profile = dir.resolve("config");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, KEY);
            Files.writeString(profile, "Host signed\n"
                    + "    HostName 127.0.0.1\n"
                    + "    ServerKey " + SERVER_KEY + "\n"
                    + "    IdentityFile " + key + "\n"
                    + "Host plain\n"
                    + "    HostName 127.0.0.1\n"
                    + "    Sequence 7000/tcp 8000/udp 9000/tcp\n"
                    + "Host named\n"
                    + "    HostName " + loopbackName() + "\n"
                    + "    Sequence 7000/tcp 8000/udp 9000/tcp\n");
            Map<String, String> env = Map.of("HOME", dir.toString());
            run(env, "-F", profile.toString(), "plain");
            run(env, "-F", profile.toString(), "named");
            // steps on the command line and no profile file (HOME has none): a path of its own
            run(env, "127.0.0.1", "7000/udp", "8000/tcp", "9000/udp");
            run(env, "-F", profile.toString(), "signed");
            Thread banner = new Thread(new Banner(listener), "knock-aot-banner");
            banner.setDaemon(true);
            banner.start();
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            run(env, "proxy", "-F", profile.toString(), "plain", Integer.toString(port));
        } finally {
            Files.deleteIfExists(key);
            Files.deleteIfExists(profile);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * A name for loopback, so the host name lookup is trained too (users knock names, not addresses):
     * {@code localhost}, or the address where the build box cannot resolve it. The lookup here already loads
     * what the knock's would.
     */
    private static String loopbackName() {
        try {
            return InetAddress.getByName("localhost").isLoopbackAddress() ? "localhost" : "127.0.0.1";
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static void run(Map<String, String> env, String... args) {
        StringWriter err = new StringWriter();
        int exit = KnockMain.run(args, env, InstantSource.system(), new PrintWriter(err));
        if (exit != 0) {
            System.err.println("knock " + String.join(" ", args) + ": exit " + exit + ": " + err);
            System.exit(1);
        }
    }

    /** Stands in for sshd: accepts one connection, sends a banner line and closes, so the proxy's relay ends. */
    private record Banner(ServerSocketChannel listener) implements Runnable {
        @Override
        public void run() {
            try (SocketChannel peer = listener.accept()) {
                peer.write(ByteBuffer.wrap("SSH-2.0-knock-aot-training\r\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
