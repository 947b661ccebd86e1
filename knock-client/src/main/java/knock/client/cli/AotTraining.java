package knock.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.math.ec.rfc7748.X25519;

import knock.spa.SpaKeys;

/**
 * The workload the packaged AOT cache is trained on (dist's stage.sh runs it once, with
 * {@code -XX:AOTCacheOutput}): what {@code knock} does before an ssh, each path once, so that each finds its
 * classes already loaded and linked at every later start. A plain three-step knock and a signed knock, both to
 * loopback where nothing listens, with a throwaway profile, key and server key in a temporary directory. Not
 * part of the command line; exits non-zero if a workload fails, so a broken cache is never shipped.
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("knock-aot");
        try {
            Path key = dir.resolve("id_ed25519");
            writeOpenSshKey(key);
            byte[] server = new byte[32];
            X25519.generatePrivateKey(new SecureRandom(), server);
            byte[] serverPublic = new byte[32];
            X25519.generatePublicKey(server, 0, serverPublic, 0);
            Path profile = Files.writeString(dir.resolve("config"), """
                    Host signed
                        HostName 127.0.0.1
                        ServerKey %s
                        IdentityFile %s
                    Host plain
                        HostName 127.0.0.1
                        Sequence 7000/tcp 8000/udp 9000/tcp
                    """.formatted(SpaKeys.text(serverPublic), key));
            Map<String, String> env = Map.of("HOME", dir.toString());
            run(env, "-F", profile.toString(), "plain");
            run(env, "-F", profile.toString(), "signed");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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

    /** A fresh Ed25519 key in OpenSSH's private key format, unencrypted, mode 0600 (what ssh-keygen writes). */
    private static void writeOpenSshKey(Path file) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        try {
            byte[] blob = OpenSSHPrivateKeyUtil.encodePrivateKey(key);
            String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(70, "\n".getBytes()).encodeToString(blob)
                    + "\n-----END OPENSSH PRIVATE KEY-----\n";
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
