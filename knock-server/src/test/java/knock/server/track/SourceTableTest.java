package knock.server.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SourceTableTest {

    @Test
    void sourcesAreFoundAfterInsertAndGoneAfterRemove() {
        SourceTable t = new SourceTable(100, 2);
        int a = t.findOrInsert(4, 0, 0xc612_0002L);
        int b = t.findOrInsert(6, 0xfd6b_6e6f_636b_0000L, 2);
        assertNotEquals(a, b, "two sources share an id");
        assertEquals(a, t.find(4, 0, 0xc612_0002L), "IPv4 source not found");
        assertEquals(b, t.find(6, 0xfd6b_6e6f_636b_0000L, 2), "IPv6 source not found");
        t.progress(a, 1, 2, 77, 40000);
        assertEquals(2, t.next(a, 1), "progress not kept");
        assertEquals(0, t.next(a, 0), "progress leaked to another sequence");
        assertEquals(77, t.lastAt(a, 1), "step time not kept");
        t.remove(a);
        assertEquals(-1, t.find(4, 0, 0xc612_0002L), "removed source still found");
        assertEquals(b, t.find(6, 0xfd6b_6e6f_636b_0000L, 2), "removing one source lost another");
        int c = t.findOrInsert(4, 0, 0xc612_0003L);
        assertEquals(0, t.next(c, 1), "a reused id kept the old source's progress");
    }

    @Test
    void familiesAreSeparateKeys() {
        SourceTable t = new SourceTable(100, 1);
        int v4 = t.findOrInsert(4, 0, 0xc612_0002L);
        assertEquals(-1, t.find(6, 0, 0xc612_0002L), "::198.18.0.2 found as 198.18.0.2");
        int v6 = t.findOrInsert(6, 0, 0xc612_0002L);
        assertNotEquals(v4, v6, "families share an entry");
    }

    @Test
    void atTheCapTheLeastRecentlyTouchedSourceIsEvicted() {
        SourceTable t = new SourceTable(16, 1);
        for (int i = 0; i < 16; i++) {
            t.findOrInsert(4, 0, i);
        }
        t.touch(t.find(4, 0, 0));
        t.findOrInsert(4, 0, 1000);
        assertEquals(16, t.size(), "size past the cap");
        assertEquals(1, t.evictions(), "evictions");
        assertTrue(t.find(4, 0, 0) >= 0, "the touched oldest source was evicted");
        assertEquals(-1, t.find(4, 0, 1), "the least recently touched source is still there");
        t.findOrInsert(4, 0, 1001);
        assertEquals(-1, t.find(4, 0, 2), "eviction is not oldest first");
    }

    @Test
    void randomInsertsAndRemovesMatchAMap() {
        SplittableRandom r = new SplittableRandom(7);
        SourceTable t = new SourceTable(5000, 1);
        Map<Long, Integer> model = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        for (int round = 0; round < 200_000; round++) {
            long key = r.nextInt(8000);
            int id = t.find(4, 0, key);
            assertEquals(model.containsKey(key), id >= 0, "presence of " + key + " differs from the model");
            if (id >= 0 && r.nextBoolean()) {
                t.remove(id);
                model.remove(key);
            } else if (id < 0 && model.size() < 5000) {
                int nid = t.findOrInsert(4, 0, key);
                t.progress(nid, 0, 1, key, 40000);
                model.put(key, nid);
                keys.add(key);
            }
        }
        assertEquals(model.size(), t.size(), "size differs from the model");
        for (var e : model.entrySet()) {
            int id = t.find(4, 0, e.getKey());
            assertTrue(id >= 0, "lost " + e.getKey());
            assertEquals(e.getKey(), t.lastAt(id, 0), "values of " + e.getKey() + " got mixed up");
        }
    }

    @Test
    void oldestFirstIterationFollowsTouches() {
        SourceTable t = new SourceTable(16, 1);
        int a = t.findOrInsert(4, 0, 1);
        int b = t.findOrInsert(4, 0, 2);
        int c = t.findOrInsert(4, 0, 3);
        t.touch(a);
        List<Integer> order = new ArrayList<>();
        for (int id = t.oldest(); id >= 0; id = t.newer(id)) {
            order.add(id);
        }
        assertEquals(List.of(b, c, a), order, "oldest-first order");
    }

    @Test
    void tableStartsSmallAndGrowsToTheCap() {
        SourceTable t = new SourceTable(1_000_000, 1);
        long small = t.memoryBytes();
        assertTrue(small < 64 * 1024, "an empty table for a cap of one million holds " + small + " bytes");
        for (int i = 0; i < 1_000_000; i++) {
            t.findOrInsert(4, 0, i);
        }
        long full = t.memoryBytes();
        assertTrue(full < 52L * 1_000_000, "one million sources take " + full + " bytes (expected: < 52 per source)");
    }
}
