package knock.spa;

/**
 * Keyed BLAKE2s (RFC 7693) with a 16-byte output, for the gate MAC: the same function as bouncycastle's
 * {@code Blake2sDigest(key, 16, null, null)}, which allocates about 576 bytes per MAC (its {@code doFinal} and
 * {@code reset}); this one allocates nothing after construction, since the gate runs for every datagram a hostile
 * network sends. Not thread-safe: one per thread.
 */
final class Blake2sMac {

    static final int OUT_BYTES = 16;

    private static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
    private static final byte[][] SIGMA = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}};

    /** The state after the key block: each MAC starts from a copy. */
    private final int[] keyed = new int[8];
    private final int[] h = new int[8];
    private final int[] v = new int[16];
    private final int[] m = new int[16];
    private final byte[] block = new byte[64];

    /** @param key 1-32 bytes */
    Blake2sMac(byte[] key) {
        if (key.length < 1 || key.length > 32) {
            throw new IllegalArgumentException("BLAKE2s key of " + key.length + " bytes (expected: 1-32)");
        }
        System.arraycopy(IV, 0, h, 0, 8);
        h[0] ^= 0x01010000 ^ key.length << 8 ^ OUT_BYTES;
        java.util.Arrays.fill(block, (byte) 0);
        System.arraycopy(key, 0, block, 0, key.length);
        // The key block is a full block; more data always follows it here (a datagram is never empty).
        compressAt(block, 0, 64, false);
        System.arraycopy(h, 0, keyed, 0, 8);
    }

    /** Writes the MAC of {@code data[off, off + len)} to {@code out[outOff, outOff + 16)}; {@code len} >= 1. */
    void mac(byte[] data, int off, int len, byte[] out, int outOff) {
        System.arraycopy(keyed, 0, h, 0, 8);
        long counter = 64;
        int p = off;
        int end = off + len;
        while (end - p > 64) {
            counter += 64;
            compressAt(data, p, counter, false);
            p += 64;
        }
        int rest = end - p;
        java.util.Arrays.fill(block, (byte) 0);
        System.arraycopy(data, p, block, 0, rest);
        counter += rest;
        compressAt(block, 0, counter, true);
        for (int i = 0; i < OUT_BYTES; i++) {
            out[outOff + i] = (byte) (h[i >> 2] >>> 8 * (i & 3));
        }
    }

    private void compressAt(byte[] b, int off, long counter, boolean last) {
        for (int i = 0; i < 16; i++) {
            int q = off + 4 * i;
            m[i] = b[q] & 0xff | (b[q + 1] & 0xff) << 8 | (b[q + 2] & 0xff) << 16 | b[q + 3] << 24;
        }
        System.arraycopy(h, 0, v, 0, 8);
        System.arraycopy(IV, 0, v, 8, 8);
        v[12] ^= (int) counter;
        v[13] ^= (int) (counter >>> 32);
        if (last) {
            v[14] = ~v[14];
        }
        for (byte[] s : SIGMA) {
            g(0, 4, 8, 12, m[s[0]], m[s[1]]);
            g(1, 5, 9, 13, m[s[2]], m[s[3]]);
            g(2, 6, 10, 14, m[s[4]], m[s[5]]);
            g(3, 7, 11, 15, m[s[6]], m[s[7]]);
            g(0, 5, 10, 15, m[s[8]], m[s[9]]);
            g(1, 6, 11, 12, m[s[10]], m[s[11]]);
            g(2, 7, 8, 13, m[s[12]], m[s[13]]);
            g(3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for (int i = 0; i < 8; i++) {
            h[i] ^= v[i] ^ v[i + 8];
        }
    }

    private void g(int a, int b, int c, int d, int x, int y) {
        v[a] += v[b] + x;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
        v[a] += v[b] + y;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
    }
}
