package knock.server.daemon;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import knock.server.config.SpaKeyFile;
import knock.spa.SpaFormat;
import knock.spa.SpaRequest;
import knock.spa.SpaSeal;
import knock.spa.SshSig;

/**
 * A server key pair written where the daemon's config points, and users' Ed25519 keys, with which a test makes
 * signed knocks as the client does, or with one thing wrong.
 */
final class SpaKeysForTest {

    final SecureRandom random = new SecureRandom();
    final Path keyFile;
    final Path authorizedKeys;
    final byte[] serverPrivate = new byte[32];
    final byte[] serverPublic = new byte[32];

    /** A user's key. */
    record User(byte[] privateKey, byte[] publicKey) {
        String authorizedLine(String options, String comment) {
            String line = "ssh-ed25519 " + Base64.getEncoder().encodeToString(SshSig.publicKeyBlob(publicKey)) + " "
                    + comment;
            return options.isEmpty() ? line : options + " " + line;
        }
    }

    SpaKeysForTest(Path dir) {
        keyFile = dir.resolve("spa.key");
        authorizedKeys = dir.resolve("authorized_keys");
        X25519.generatePrivateKey(random, serverPrivate);
        X25519.generatePublicKey(serverPrivate, 0, serverPublic, 0);
        SpaKeyFile.write(keyFile, serverPrivate, "test key");
    }

    /** The [server] lines that point the daemon at these files. */
    String serverLines() {
        return "spa-key = " + keyFile + "\nauthorized-keys = " + authorizedKeys + "\n";
    }

    User user() {
        byte[] sk = new byte[32];
        Ed25519.generatePrivateKey(random, sk);
        byte[] pk = new byte[32];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        return new User(sk, pk);
    }

    void authorize(String... lines) throws Exception {
        Files.writeString(authorizedKeys, String.join("\n", lines) + "\n");
    }

    /** A signed knock as the client makes it: for {@code sequence}, admitting the source, stamped now. */
    byte[] knock(User user, String sequence) {
        return knock(user, sequence, null, System.currentTimeMillis());
    }

    byte[] knock(User user, String sequence, InetAddress admit, long timestampMillis) {
        byte[] nonce = new byte[SpaRequest.NONCE_BYTES];
        random.nextBytes(nonce);
        SpaRequest unsigned = new SpaRequest(timestampMillis, nonce, SshSig.fingerprint(user.publicKey()), admit,
                sequence, serverPublic, new byte[SpaRequest.SIGNATURE_BYTES]);
        byte[] data = SshSig.signedData(SpaFormat.message(unsigned));
        byte[] signature = new byte[SpaRequest.SIGNATURE_BYTES];
        Ed25519.sign(user.privateKey(), 0, data, 0, data.length, signature, 0);
        return SpaSeal.seal(unsigned.signed(signature), serverPublic, random);
    }

    /** A knock that names {@code user}'s key but whose signature is wrong: it passes the gate and the seal. */
    byte[] badlySigned(User user, String sequence) {
        byte[] nonce = new byte[SpaRequest.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] signature = new byte[SpaRequest.SIGNATURE_BYTES];
        random.nextBytes(signature);
        SpaRequest request = new SpaRequest(System.currentTimeMillis(), nonce, SshSig.fingerprint(user.publicKey()),
                null, sequence, serverPublic, signature);
        return SpaSeal.seal(request, serverPublic, random);
    }
}
