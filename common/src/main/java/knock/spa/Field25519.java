package knock.spa;

import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Arithmetic mod p = 2^255 - 19 that bouncycastle's {@link X25519Field} leaves out or allocates for: a
 * subtraction that keeps limbs non-negative, equality and sign tests, the (p-5)/8 power, inversion and
 * square roots. Elements are bouncycastle's ten signed 26/25-bit limbs ({@code int[10]}).
 *
 * <p>Why an instance: {@code X25519Field.inv} and its square-root helpers create arrays on every call; here the
 * temporaries live in the instance, so no method allocates. One instance per thread: it is not thread-safe.
 *
 * <p>Every method runs the same sequence of operations whatever the values (branch-free, masks from
 * {@code X25519Field.isZero}); X25519Field's own mul/sqr/add/carry/cmov/cswap are constant-time too.
 *
 * <p>Pitfalls: {@code X25519Field.sub} and {@code negate} leave negative limbs, which {@code normalize} does not
 * promise to reduce; use {@link #sub} and {@link #negate} here, which add 4p first. {@code X25519Field.add}
 * does not carry; {@link #add} does, so limbs stay within what {@code mul} accepts.
 */
final class Field25519 {

    static final int SIZE = X25519Field.SIZE;

    /** 4p in bouncycastle's limb layout (26,26,25,26,25,26,26,25,26,25 bits; 2^256 = 38): each limb of 2p doubled. */
    private static final int[] FOUR_P = {
        0x7FFFFB4, 0x7FFFFFE, 0x3FFFFFE, 0x7FFFFFE, 0x3FFFFFE, 0x7FFFFFE, 0x7FFFFFE, 0x3FFFFFE, 0x7FFFFFE, 0x3FFFFFE};

    /** sqrt(-1) = 2^((p-1)/4) mod p, little-endian. */
    static final int[] SQRT_M1 = constant("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b");

    static final int[] ONE = constant("01");

    private final int[] t0 = X25519Field.create();
    private final int[] t1 = X25519Field.create();
    private final int[] t2 = X25519Field.create();
    private final int[] t3 = X25519Field.create();
    private final int[] t4 = X25519Field.create();
    private final int[] t5 = X25519Field.create();
    private final int[] t6 = X25519Field.create();
    private final int[] t7 = X25519Field.create();

    /** Zeroes the temporaries (best effort: they may have held secrets). */
    void wipe() {
        for (int[] t : new int[][] {t0, t1, t2, t3, t4, t5, t6, t7}) {
            java.util.Arrays.fill(t, 0);
        }
    }

    /** The field element whose little-endian hex is given (class set-up only: it allocates). */
    static int[] constant(String littleEndianHex) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < littleEndianHex.length() / 2; i++) {
            bytes[i] = (byte) Integer.parseInt(littleEndianHex.substring(2 * i, 2 * i + 2), 16);
        }
        int[] z = X25519Field.create();
        X25519Field.decode(bytes, 0, z);
        return z;
    }

    /** z = x + y, carried. */
    static void add(int[] x, int[] y, int[] z) {
        X25519Field.add(x, y, z);
        X25519Field.carry(z);
    }

    /** z = x - y + 4p, carried: limbs stay non-negative as long as y's limbs are carried (below 2^26 or so). */
    static void sub(int[] x, int[] y, int[] z) {
        for (int i = 0; i < SIZE; i++) {
            z[i] = x[i] - y[i] + FOUR_P[i];
        }
        X25519Field.carry(z);
    }

    /** z = 4p - x, carried. */
    static void negate(int[] x, int[] z) {
        for (int i = 0; i < SIZE; i++) {
            z[i] = FOUR_P[i] - x[i];
        }
        X25519Field.carry(z);
    }

    /** -1 if x = y (mod p), else 0. */
    int equal(int[] x, int[] y) {
        sub(x, y, t7);
        X25519Field.normalize(t7);
        return X25519Field.isZero(t7);
    }

    /** 1 if x, reduced to [0, p), is above (p-1)/2, else 0: then 2x reduced is 2x - p, which is odd. */
    int isAboveHalf(int[] x) {
        add(x, x, t7);
        X25519Field.normalize(t7);
        return t7[0] & 1;
    }

    /**
     * z = x^((p-5)/8) = x^(2^252 - 3). Writing e(k) for x^(2^k - 1), the chain is
     * e1, e2, e4, e5, e10, e20, e40, e50, e100, e200, e250, then two squarings and a multiplication by x.
     * z may be x.
     */
    void pow22523(int[] x, int[] z) {
        int[] xx = t0, a = t1, b = t2, c = t3;
        X25519Field.copy(x, 0, xx, 0);
        X25519Field.sqr(xx, a);
        X25519Field.mul(a, xx, a);         // e2
        X25519Field.sqr(a, 2, b);
        X25519Field.mul(b, a, b);          // e4
        X25519Field.sqr(b, b);
        X25519Field.mul(b, xx, b);         // e5
        X25519Field.sqr(b, 5, a);
        X25519Field.mul(a, b, a);          // e10
        X25519Field.sqr(a, 10, b);
        X25519Field.mul(b, a, b);          // e20
        X25519Field.sqr(b, 20, c);
        X25519Field.mul(c, b, c);          // e40
        X25519Field.sqr(c, 10, c);
        X25519Field.mul(c, a, c);          // e50
        X25519Field.sqr(c, 50, a);
        X25519Field.mul(a, c, a);          // e100
        X25519Field.sqr(a, 100, b);
        X25519Field.mul(b, a, b);          // e200
        X25519Field.sqr(b, 50, b);
        X25519Field.mul(b, c, b);          // e250
        X25519Field.sqr(b, 2, b);          // x^(2^252 - 4)
        X25519Field.mul(b, xx, z);
    }

    /** z = 1/x = x^(p-2) = (x^((p-5)/8))^8 * x^3 (0 for x = 0). z may be x. */
    void invert(int[] x, int[] z) {
        X25519Field.copy(x, 0, t4, 0);
        pow22523(t4, t5);
        X25519Field.sqr(t5, 3, t5);
        X25519Field.sqr(t4, t6);
        X25519Field.mul(t6, t4, t6);
        X25519Field.mul(t5, t6, z);
    }

    /**
     * z = sqrt(u/v) when u/v is a square (or u = 0), returning -1; else returns 0 and z holds a non-root.
     * The root is x = u v^3 (u v^7)^((p-5)/8) when v x^2 = u, and x sqrt(-1) when v x^2 = -u (RFC 8032 5.1.3,
     * p = 5 mod 8). Which of the two roots comes out is not specified. z must not be u or v.
     */
    int sqrtRatio(int[] u, int[] v, int[] z) {
        int[] v3 = t4, x = t5, check = t6;
        X25519Field.sqr(v, v3);
        X25519Field.mul(v3, v, v3);        // v^3
        X25519Field.sqr(v3, x);
        X25519Field.mul(x, v, x);          // v^7
        X25519Field.mul(x, u, x);          // u v^7
        pow22523(x, x);
        X25519Field.mul(x, v3, x);
        X25519Field.mul(x, u, x);          // candidate root
        X25519Field.sqr(x, check);
        X25519Field.mul(check, v, check);  // v x^2
        int plain = equal(check, u);
        negate(u, z);
        int flipped = equal(check, z);
        X25519Field.mul(x, SQRT_M1, z);
        X25519Field.cmov(~flipped, x, 0, z, 0);
        return plain | flipped;
    }
}
