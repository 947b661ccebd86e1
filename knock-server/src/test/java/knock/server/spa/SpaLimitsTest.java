package knock.server.spa;

import static org.junit.jupiter.api.Assertions.*;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

/** The receiver's bounds, with the clock stepped by hand: the replay cache, the rations and the budget. */
class SpaLimitsTest {

    private static final long SECOND = 1_000_000_000L;

    private static byte[] datagram(SecureRandom random) {
        byte[] d = new byte[64];
        random.nextBytes(d);
        return d;
    }

    @Test
    void theReplayCacheKnowsADatagramUntilItsLifeEndsWhateverItsIgnoredBits() {
        ReplayCache cache = new ReplayCache(1000);
        byte[] d = datagram(new SecureRandom());
        assertTrue(cache.add(d, 0, 60 * SECOND));
        assertTrue(cache.contains(d, 59 * SECOND));
        byte[] topBits = d.clone();
        topBits[31] ^= (byte) 0xc0; // bits 254 and 255: Elligator's decoding ignores them
        assertTrue(cache.contains(topBits, 59 * SECOND), "the same key with other top bits is the same datagram");
        byte[] other = d.clone();
        other[0] ^= 1;
        assertFalse(cache.contains(other, 59 * SECOND));
        assertFalse(cache.contains(d, 60 * SECOND), "kept past its life");
        assertEquals(0, cache.size(), "an expired entry stays in memory");
    }

    @Test
    void aFullReplayCacheRefusesRatherThanForgetALiveEntry() {
        SecureRandom random = new SecureRandom();
        ReplayCache cache = new ReplayCache(1000);
        byte[][] taken = new byte[1000][];
        for (int i = 0; i < 1000; i++) {
            taken[i] = datagram(random);
            assertTrue(cache.add(taken[i], i, 60 * SECOND));
        }
        assertFalse(cache.add(datagram(random), 1000, 60 * SECOND), "full of live entries, yet took another");
        for (byte[] d : taken) {
            assertTrue(cache.contains(d, 1000), "a live entry was forgotten");
        }
        assertTrue(cache.add(datagram(random), 60 * SECOND + 1, 60 * SECOND), "the first entry's life is over");
    }

    @Test
    void aSourceGetsItsBurstThenItsRateAndIpv6CountsPerSlash64() {
        SourceRations rations = new SourceRations(0);
        long now = 10 * SECOND;
        int taken = 0;
        while (rations.take(4, 0, 0xc612_0002L, now)) {
            taken++;
            assertTrue(taken <= SourceRations.BURST, "more than the burst");
        }
        assertEquals(SourceRations.BURST, taken);
        assertTrue(rations.take(4, 0, 0xc612_0003L, now), "another source shares the first one's ration");
        assertTrue(rations.take(4, 0, 0xc612_0002L, now + SECOND / SourceRations.PER_SECOND), "no refill");

        long net = 0xfd6b_6e6f_636b_0000L;
        for (int i = 0; i < SourceRations.BURST; i++) {
            assertTrue(rations.take(6, net, i, now)); // one /64, ten hosts
        }
        assertFalse(rations.take(6, net, 0xffff, now), "a host in a /64 whose ration is spent");
        assertTrue(rations.take(6, net + 1, 1, now), "the next /64 shares its ration");
    }

    @Test
    void theBudgetLetsThroughItsRateAndNoMore() {
        TokenBucket budget = new TokenBucket(100, 25, 0);
        long now = 10 * SECOND;
        int passed = 0;
        for (int i = 0; i < 1000; i++) {
            if (budget.take(now + i * (SECOND / 1000))) { // 1000 a second for one second
                passed++;
            }
        }
        assertTrue(passed >= 100 && passed <= 125 + 1, "passed " + passed + " of 1000 at a budget of 100/s + 25");
    }
}
