package knock.spa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.junit.jupiter.api.Test;

class Blake2sMacTest {

    /** bouncycastle's BLAKE2s is the reference: every length around the block edges, many keys. */
    @Test
    void equalsBouncycastlesKeyedBlake2s() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] key = new byte[1 + random.nextInt(32)];
            random.nextBytes(key);
            Blake2sMac mac = new Blake2sMac(key);
            for (int len : new int[] {1, 2, 63, 64, 65, 127, 128, 129, 1 + random.nextInt(500)}) {
                byte[] data = new byte[len + 7];
                random.nextBytes(data);
                byte[] ours = new byte[16];
                mac.mac(data, 3, len, ours, 0);
                Blake2sDigest bc = new Blake2sDigest(key, 16, null, null);
                bc.update(data, 3, len);
                byte[] theirs = new byte[16];
                bc.doFinal(theirs, 0);
                assertArrayEquals(theirs, ours, "key " + key.length + " bytes, " + len + " bytes of data");
            }
        }
    }

    @Test
    void allocatesNothingPerMac() {
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Blake2sMac mac = new Blake2sMac(new byte[32]);
        byte[] data = new byte[300];
        byte[] out = new byte[16];
        for (int i = 0; i < 20_000; i++) {
            mac.mac(data, 0, data.length, out, 0);
        }
        long thread = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            mac.mac(data, 0, data.length, out, 0);
        }
        assertEquals(0, bean.getThreadAllocatedBytes(thread) - before, "bytes allocated by 10,000 MACs");
    }
}
