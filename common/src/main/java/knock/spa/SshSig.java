package knock.spa;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The bytes an SSH key signs for a knock, in OpenSSH's PROTOCOL.sshsig layout with a namespace of knock's own:
 * a signature made here can never pass for an ssh login, a git commit or a file signed with {@code ssh-keygen
 * -Y sign}, nor any of those for a knock. ssh-agent signs it like any other data, so the private key can stay in
 * the agent. Also the OpenSSH public key blob and its SHA-256 fingerprint, which name a key on both sides.
 */
public final class SshSig {

    /** PROTOCOL.sshsig's namespace field: what the signature is for. */
    public static final String NAMESPACE = "knock-spa-v1@knock";
    /** The OpenSSH key type of the only keys knocks are signed with. */
    public static final String ED25519 = "ssh-ed25519";

    private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);

    private SshSig() {
    }

    /** The blob to sign (or verify) for {@code message}: magic, namespace, reserved, "sha512", SHA-512(message). */
    public static byte[] signedData(byte[] message) {
        SHA512Digest sha = new SHA512Digest();
        sha.update(message, 0, message.length);
        byte[] hash = new byte[sha.getDigestSize()];
        sha.doFinal(hash, 0);
        SshWire.Writer out = new SshWire.Writer();
        for (byte b : MAGIC) {
            out.u8(b);
        }
        return out.string(NAMESPACE).string("").string("sha512").bytes(hash).toByteArray();
    }

    /** Whether {@code signature} (raw, 64 bytes) is {@code publicKey}'s signature of {@code message}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        byte[] data = signedData(message);
        return Ed25519.verify(signature, 0, publicKey, 0, data, 0, data.length);
    }

    /** The OpenSSH wire blob of an Ed25519 public key: string "ssh-ed25519", string key. */
    public static byte[] publicKeyBlob(byte[] publicKey) {
        return new SshWire.Writer().string(ED25519).bytes(publicKey).toByteArray();
    }

    /**
     * The raw 32-byte key of an Ed25519 blob.
     *
     * @throws SshWire.Malformed for a blob of another type, of another length, or that does not parse
     */
    public static byte[] publicKey(byte[] blob) throws SshWire.Malformed {
        SshWire.Reader in = new SshWire.Reader(blob);
        String type = in.string();
        if (!ED25519.equals(type)) {
            throw new SshWire.Malformed("key type " + type + " (expected: " + ED25519 + ")");
        }
        byte[] key = in.bytes();
        if (key.length != 32 || in.remaining() != 0) {
            throw new SshWire.Malformed("Ed25519 public key of " + key.length + " bytes (expected: 32)");
        }
        return key;
    }

    /** SHA-256 of the key's blob: the fingerprint {@code ssh-keygen -l} prints (in base64) for it. */
    public static byte[] fingerprint(byte[] publicKey) {
        return blobFingerprint(publicKeyBlob(publicKey));
    }

    /** SHA-256 of a public key blob of any type. */
    public static byte[] blobFingerprint(byte[] blob) {
        SHA256Digest sha = new SHA256Digest();
        sha.update(blob, 0, blob.length);
        byte[] out = new byte[32];
        sha.doFinal(out, 0);
        return out;
    }

    /** The fingerprint as OpenSSH prints it: {@code SHA256:} and unpadded base64. */
    public static String format(byte[] fingerprint) {
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(fingerprint);
    }
}
