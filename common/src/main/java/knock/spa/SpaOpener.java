package knock.spa;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The server's half of {@link SpaSeal}: gate check, then key agreement and decryption. The gate is cheap; {@link
 * #open} costs a field inversion, a scalar multiplication and an AEAD pass, so callers ration it. Not
 * thread-safe: one per thread.
 */
public final class SpaOpener {

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final SpaGate gate;
    private final byte[] representative = new byte[SpaSeal.REPRESENTATIVE_BYTES];
    private final byte[] ephemeral = new byte[32];
    private final byte[] shared = new byte[32];

    /** @param privateKey the server's X25519 private key (32 bytes) */
    public SpaOpener(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = new byte[32];
        X25519.generatePublicKey(this.privateKey, 0, publicKey, 0);
        this.gate = new SpaGate(publicKey);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether the datagram has a plausible length and carries the gate MAC; costs one keyed hash. */
    public boolean passesGate(byte[] datagram, int off, int len) {
        return len >= SpaSeal.MIN_DATAGRAM && len <= SpaSeal.MAX_DATAGRAM && gate.passes(datagram, off, len);
    }

    /**
     * Decrypts a datagram that passed the gate into {@code plaintext} (at least {@link SpaFormat#MAX_PLAINTEXT}
     * bytes); returns its length, or -1 when it does not authenticate under this server's key.
     */
    public int open(byte[] datagram, int off, int len, byte[] plaintext) {
        System.arraycopy(datagram, off, representative, 0, representative.length);
        Elligator.decode(representative, 0, ephemeral);
        if (!X25519.calculateAgreement(privateKey, 0, ephemeral, 0, shared, 0)) {
            return -1;
        }
        ChaCha20Poly1305 aead = SpaSeal.cipher(false, shared, representative, publicKey);
        int sealed = len - SpaSeal.REPRESENTATIVE_BYTES - SpaGate.MAC_BYTES;
        try {
            int n = aead.processBytes(datagram, off + SpaSeal.REPRESENTATIVE_BYTES, sealed, plaintext, 0);
            return n + aead.doFinal(plaintext, n);
        } catch (InvalidCipherTextException | RuntimeException e) {
            return -1;
        }
    }
}
