package knock.spa;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Elligator 2 for the SPA datagram's ephemeral X25519 key: the client sends a 32-byte <em>representative</em>
 * that is indistinguishable from uniform random bytes and decodes to its ephemeral public key. A plain X25519
 * public key would give the datagram away: bit 255 is always 0, the u-coordinate is always on the curve (never
 * on the twist), and the point is always in the prime-order subgroup.
 *
 * <p>The map is RFC 9380's {@code map_to_curve_elligator2} for curve25519 (Z = 2), the same as Monocypher's
 * {@code crypto_elligator_map}: a representative r (its top two bits ignored) goes to u = w or u = -A - w with
 * w = -A / (1 + 2r^2), whichever has a square u^3 + A u^2 + u. {@link #generate} inverts it the way Monocypher's
 * {@code crypto_elligator_key_pair} does:
 * <ul>
 *   <li>The public point is "dirty": the clean point plus a random point of order 1, 2, 4 or 8, so the decoded
 *       points cover the whole curve and not only the prime-order subgroup. Every X25519 scalar is clamped to a
 *       multiple of 8, which removes that component: the server's agreement with the dirty point equals the
 *       client's with the server's key.
 *   <li>Only about half of the points have a representative: key generation retries until one does.
 *   <li>Of the point's two representatives in [0, (p-1)/2] one is picked at random (for a uniform point this is
 *       the same as picking by the sign of its v-coordinate), so the 254 low bits are uniform; the two unused top
 *       bits are filled at random.
 * </ul>
 *
 * <p>Constant time: {@link #generate} handles its secrets (the scalar, the low-order point, the choice of root)
 * with branch-free field arithmetic and bouncycastle's constant-time base-point multiplication; what varies is
 * the number of attempts, which depends only on keys that are thrown away. {@link #decode} handles public bytes
 * and happens to be branch-free as well. Java gives no guarantee beyond this (the JIT, the GC); temporaries holding
 * secrets are zeroed on a best-effort basis.
 */
public final class Elligator {

    /**
     * An ephemeral key pair: privateKey for {@code org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement};
     * the representative is 32 bytes indistinguishable from uniform random bytes (all 256 bits).
     */
    public record EphemeralKey(byte[] privateKey, byte[] representative) { }

    private static final int A = 486662;

    /** The seven points of order 2, 4 and 8 (u, v); with the neutral element they make the 8-torsion. */
    private static final int[][] LOW_ORDER_U = new int[7][];
    private static final int[][] LOW_ORDER_V = new int[7][];

    static {
        // u of the order-2 point, of the order-4 points (A + 2 is a square, A - 2 is not), and of the order-8
        // points (libsodium's and Monocypher's low-order u list); v = +-sqrt(u^3 + A u^2 + u)
        String[] orderTwoToEight = {
            "00", "01",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"};
        Field25519 f = new Field25519();
        int[] g = X25519Field.create();
        for (int i = 0; i < 7; i++) {
            int[] u = Field25519.constant(orderTwoToEight[(i + 1) / 2]);
            curveRhs(u, g);
            int[] v = X25519Field.create();
            if (f.sqrtRatio(g, Field25519.ONE, v) == 0) {
                throw new AssertionError("low-order u " + i + " is not on curve25519");
            }
            if (i % 2 == 0) {
                Field25519.negate(v, v);
            }
            LOW_ORDER_U[i] = u;
            LOW_ORDER_V[i] = v;
        }
    }

    /** decode's temporaries, one set per thread, so that decode allocates nothing after a thread's first call. */
    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    private Elligator() { }

    /**
     * A fresh ephemeral key pair whose representative is uniformly random (see the class comment). Allocates;
     * takes two attempts on average, each a base-point multiplication and three field exponentiations.
     */
    public static EphemeralKey generate(SecureRandom random) {
        Work w = new Work();
        byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        byte[] cleanPublic = new byte[X25519.POINT_SIZE];
        byte[] tweak = new byte[1];
        byte[] representative = new byte[32];
        try {
            while (true) {
                X25519.generatePrivateKey(random, privateKey);
                random.nextBytes(tweak);
                X25519.scalarMultBase(privateKey, 0, cleanPublic, 0);
                X25519Field.decode(cleanPublic, 0, w.u);
                addLowOrderPoint(w, tweak[0] & 7);
                if (representative(w, (tweak[0] >>> 3) & 1, representative)) {
                    representative[31] |= (byte) (tweak[0] & 0xC0);
                    return new EphemeralKey(privateKey, representative);
                }
            }
        } finally {
            w.wipe();
            Arrays.fill(cleanPublic, (byte) 0);
            tweak[0] = 0;
        }
    }

    /**
     * Writes the 32-byte X25519 public key (little-endian u) the representative at offset stands for. Any 32
     * bytes decode (the top two bits are ignored). Allocates nothing (after the calling thread's first call).
     */
    public static void decode(byte[] representative, int offset, byte[] publicKeyOut) {
        Objects.checkFromIndexSize(offset, 32, representative.length);
        Objects.checkFromIndexSize(0, X25519.POINT_SIZE, publicKeyOut.length);
        Work w = WORK.get();
        Field25519 f = w.field;
        int[] r2 = w.a, d = w.b, n = w.c, t = w.d, u = w.u;
        X25519Field.decode(representative, offset, r2);
        r2[9] &= 0x7FFFFF;                          // limb 9 holds bits 231..254: drop bit 254 (255 already gone)
        X25519Field.sqr(r2, r2);
        Field25519.add(r2, r2, r2);                 // 2 r^2
        X25519Field.copy(r2, 0, d, 0);
        X25519Field.addOne(d);                      // d = 1 + 2 r^2, never 0: -1/2 is not a square
        // w = -A/d and g(w) = w^3 + A w^2 + w = n / d^3 with n = -A (d^2 - A^2 d + A^2), so g(w) is a square
        // exactly when a = n d is; one exponentiation of a gives both that and 1/a, hence 1/d = n/a.
        X25519Field.mul(d, A, t);
        X25519Field.mul(t, A, t);                   // A^2 d
        X25519Field.sqr(d, n);
        Field25519.sub(n, t, n);
        X25519Field.one(t);
        X25519Field.mul(t, A, t);
        X25519Field.mul(t, A, t);                   // A^2
        Field25519.add(n, t, n);
        X25519Field.mul(n, A, n);
        Field25519.negate(n, n);                    // n
        X25519Field.mul(n, d, d);                   // a = n d (d is not needed any more)
        int[] a = d, y = w.e, chi = w.f;
        f.pow22523(a, y);                           // y = a^((p-5)/8)
        X25519Field.sqr(y, y);                      // a^((p-5)/4)
        X25519Field.mul(y, a, chi);                 // chi = a^((p-1)/4), a fourth root of unity
        X25519Field.sqr(chi, t);                    // a^((p-1)/2): 1 when g(w) is a square, else -1
        int square = f.equal(t, Field25519.ONE);
        X25519Field.mul(t, chi, t);
        X25519Field.mul(t, y, t);                   // 1/a = a^((p-5)/4 + 3(p-1)/4) = a^(p-2)
        X25519Field.mul(t, n, t);                   // 1/d
        X25519Field.mul(t, A, t);
        Field25519.negate(t, u);                    // w = -A/d
        X25519Field.mul(u, r2, t);                  // -A - w = 2 r^2 w
        X25519Field.cmov(~square, t, 0, u, 0);
        X25519Field.normalize(u);
        X25519Field.encode(u, publicKeyOut, 0);
    }

    /** w.u (a point's u, with v its canonical root) becomes u of that point plus LOW_ORDER[index - 1]; 0 keeps it. */
    private static void addLowOrderPoint(Work w, int index) {
        Field25519 f = w.field;
        int[] u = w.u, v = w.a, lu = w.b, lv = w.c, lambda = w.d, t = w.e;
        curveRhs(u, t);
        f.sqrtRatio(t, Field25519.ONE, v);          // on the curve, so a square
        // index 0 (the neutral element) computes the sum with entry 0 and throws it away: no branch on the secret
        int pick = index - 1 + (((index - 1) >>> 31) & 1);
        for (int i = 0; i < 7; i++) {
            int match = ((i ^ pick) - 1) >> 31;
            X25519Field.cmov(match, LOW_ORDER_U[i], 0, lu, 0);
            X25519Field.cmov(match, LOW_ORDER_V[i], 0, lv, 0);
        }
        // affine addition; the point has prime order and the other order 2, 4 or 8, so their u differ
        Field25519.sub(lv, v, lambda);
        Field25519.sub(lu, u, t);
        f.invert(t, t);
        X25519Field.mul(lambda, t, lambda);
        X25519Field.sqr(lambda, t);                 // lambda^2
        Field25519.sub(t, u, t);
        Field25519.sub(t, lu, t);
        X25519Field.one(lambda);
        X25519Field.mul(lambda, A, lambda);
        Field25519.sub(t, lambda, t);               // u3 = lambda^2 - A - u - lu
        X25519Field.cmov(((index - 1) >> 31) ^ -1, t, 0, u, 0);
    }

    /**
     * Writes one of the representatives of w.u (branch 0: r^2 = -(u + A) / (2u); branch 1: r^2 = -u / (2(u + A))),
     * the root in [0, (p-1)/2] so the top two bits are 0. False when u has none.
     */
    private static boolean representative(Work w, int branch, byte[] out) {
        Field25519 f = w.field;
        int[] u = w.u, num0 = w.a, den0 = w.b, num1 = w.c, den1 = w.d, r = w.e, t = w.f;
        X25519Field.one(t);
        X25519Field.mul(t, A, t);
        Field25519.add(u, t, t);                    // u + A
        Field25519.negate(t, num0);
        Field25519.add(u, u, den0);
        Field25519.negate(u, num1);
        Field25519.add(t, t, den1);
        X25519Field.cswap(branch, num0, num1);
        X25519Field.cswap(branch, den0, den1);
        if (f.sqrtRatio(num0, den0, r) == 0) {
            return false;
        }
        int aboveHalf = f.isAboveHalf(r);
        Field25519.negate(r, t);
        X25519Field.cmov(-aboveHalf, t, 0, r, 0);
        X25519Field.normalize(r);
        X25519Field.encode(r, out, 0);
        return true;
    }

    /** z = u^3 + A u^2 + u = u ((u + A) u + 1); z must not be u. */
    private static void curveRhs(int[] u, int[] z) {
        X25519Field.one(z);
        X25519Field.mul(z, A, z);
        Field25519.add(u, z, z);
        X25519Field.mul(z, u, z);
        X25519Field.addOne(z);
        X25519Field.mul(z, u, z);
    }

    /** Temporaries for one thread's decode, or one generate call. */
    private static final class Work {
        final Field25519 field = new Field25519();
        final int[] u = X25519Field.create();
        final int[] a = X25519Field.create();
        final int[] b = X25519Field.create();
        final int[] c = X25519Field.create();
        final int[] d = X25519Field.create();
        final int[] e = X25519Field.create();
        final int[] f = X25519Field.create();

        void wipe() {
            for (int[] x : new int[][] {u, a, b, c, d, e, f}) {
                Arrays.fill(x, 0);
            }
            field.wipe();
        }
    }
}
