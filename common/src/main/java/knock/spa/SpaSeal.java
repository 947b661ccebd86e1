package knock.spa;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Seals a request to the server's X25519 key, the client's half: {@code representative(32) | ciphertext |
 * tag(16) | gate(16)}. The representative stands for a fresh ephemeral key ({@link Elligator}); HKDF-SHA256 of the
 * shared secret, salted with the representative and bound to the server key, keys ChaCha20-Poly1305 (nonce zero:
 * each key seals once) with the representative as associated data; {@link SpaGate} appends its MAC. Random padding
 * inside the seal makes the length vary over {@value #MAX_PADDING} + 1 values.
 */
public final class SpaSeal {

    public static final int REPRESENTATIVE_BYTES = 32;
    public static final int TAG_BYTES = 16;
    /** Bytes a seal adds to the request: representative, AEAD tag and gate MAC. */
    public static final int OVERHEAD = REPRESENTATIVE_BYTES + TAG_BYTES + SpaGate.MAC_BYTES;
    /** Most padding bytes a client adds. */
    public static final int MAX_PADDING = 127;
    /** The shortest datagram a valid request makes (no address, a one-letter sequence, no padding). */
    public static final int MIN_DATAGRAM = OVERHEAD + SpaFormat.FIXED_BYTES + 1;
    /** The longest datagram a valid request makes. */
    public static final int MAX_DATAGRAM = OVERHEAD + SpaFormat.MAX_PLAINTEXT;

    private static final byte[] INFO = "knock spa v1 seal".getBytes(StandardCharsets.US_ASCII);

    private SpaSeal() {
    }

    /** The datagram carrying {@code request}, sealed to {@code serverKey}, with random padding. */
    public static byte[] seal(SpaRequest request, byte[] serverKey, SecureRandom random) {
        byte[] plaintext = SpaFormat.encode(request, random.nextInt(MAX_PADDING + 1));
        Elligator.EphemeralKey ephemeral = Elligator.generate(random);
        byte[] shared = new byte[32];
        if (!X25519.calculateAgreement(ephemeral.privateKey(), 0, serverKey, 0, shared, 0)) {
            throw new IllegalArgumentException("server key is a low-order point (expected: a key from knock-server keygen)");
        }
        byte[] datagram = new byte[plaintext.length + OVERHEAD];
        System.arraycopy(ephemeral.representative(), 0, datagram, 0, REPRESENTATIVE_BYTES);
        ChaCha20Poly1305 aead = cipher(true, shared, ephemeral.representative(), serverKey);
        int n = aead.processBytes(plaintext, 0, plaintext.length, datagram, REPRESENTATIVE_BYTES);
        try {
            aead.doFinal(datagram, REPRESENTATIVE_BYTES + n);
        } catch (InvalidCipherTextException e) {
            throw new AssertionError(e); // encryption does not authenticate anything
        }
        new SpaGate(serverKey).stamp(datagram, 0, datagram.length);
        return datagram;
    }

    /** The AEAD for a seal, keyed from the shared secret. */
    static ChaCha20Poly1305 cipher(boolean encrypt, byte[] shared, byte[] representative, byte[] serverKey) {
        byte[] info = new byte[INFO.length + serverKey.length];
        System.arraycopy(INFO, 0, info, 0, INFO.length);
        System.arraycopy(serverKey, 0, info, INFO.length, serverKey.length);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, representative, info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_BYTES * 8, new byte[12], representative));
        return aead;
    }
}
