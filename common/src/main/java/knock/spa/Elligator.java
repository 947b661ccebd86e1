package knock.spa;

import java.security.SecureRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * TEMPORARY stand-in until the Elligator 2 implementation lands (branch elligator): the representative is the
 * plain X25519 public key, which is NOT indistinguishable from random bytes.
 */
public final class Elligator {

    private Elligator() {
    }

    public record EphemeralKey(byte[] privateKey, byte[] representative) {
    }

    public static EphemeralKey generate(SecureRandom random) {
        byte[] k = new byte[32];
        X25519.generatePrivateKey(random, k);
        byte[] p = new byte[32];
        X25519.generatePublicKey(k, 0, p, 0);
        return new EphemeralKey(k, p);
    }

    public static void decode(byte[] representative, int offset, byte[] publicKeyOut) {
        System.arraycopy(representative, offset, publicKeyOut, 0, 32);
    }
}
