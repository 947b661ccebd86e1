package knock.spa;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * What one signed knock asks: admit {@code admit} (or, when null, the source the datagram comes from) to
 * {@code sequence}, on the server whose public key is {@code serverKey}, at {@code timestampMillis}. Every field
 * but the signature is signed: a datagram replayed from another address, to another server or for another
 * sequence is refused, and {@code nonce} makes each request unique for the server's replay cache.
 *
 * @param keyFingerprint SHA-256 of the signing key's OpenSSH blob, as {@code ssh-keygen -l} shows it
 * @param signature      the raw Ed25519 signature over {@link SshSig#signedData} of {@link SpaFormat#message}
 */
public record SpaRequest(long timestampMillis, byte[] nonce, byte[] keyFingerprint, InetAddress admit,
                         String sequence, byte[] serverKey, byte[] signature) {

    public static final int NONCE_BYTES = 16;
    public static final int FINGERPRINT_BYTES = 32;
    public static final int KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;
    /** Longest sequence name (the server's names are at most 16 characters). */
    public static final int MAX_SEQUENCE_BYTES = 32;

    public SpaRequest {
        check("nonce", nonce, NONCE_BYTES);
        check("key fingerprint", keyFingerprint, FINGERPRINT_BYTES);
        check("server key", serverKey, KEY_BYTES);
        check("signature", signature, SIGNATURE_BYTES);
        if (sequence.isEmpty() || sequence.length() > MAX_SEQUENCE_BYTES || !sequence.chars().allMatch(c -> c < 128)) {
            throw new IllegalArgumentException("sequence name '" + sequence + "' (expected: 1-" + MAX_SEQUENCE_BYTES
                    + " ASCII characters)");
        }
    }

    /** The same request carrying {@code signature}. */
    public SpaRequest signed(byte[] signature) {
        return new SpaRequest(timestampMillis, nonce, keyFingerprint, admit, sequence, serverKey, signature);
    }

    private static void check(String what, byte[] bytes, int length) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + ": " + (bytes == null ? "none" : bytes.length + " bytes")
                    + " (expected: " + length + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpaRequest r && timestampMillis == r.timestampMillis && Arrays.equals(nonce, r.nonce)
                && Arrays.equals(keyFingerprint, r.keyFingerprint) && java.util.Objects.equals(admit, r.admit)
                && sequence.equals(r.sequence) && Arrays.equals(serverKey, r.serverKey)
                && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nonce);
    }

    @Override
    public String toString() {
        return "SpaRequest[sequence=" + sequence + " admit=" + (admit == null ? "source" : admit.getHostAddress())
                + " at=" + timestampMillis + "]";
    }
}
