package knock.server.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import knock.net.Address;

class AdmissionsTest {

    final List<String> out = new ArrayList<>();
    final Admissions.Unlisted sink = (family, hi, lo, sequence, early) ->
            out.add((early ? "early " : "") + Address.format(family, hi, lo) + "/" + sequence);

    @Test
    void windowsEndInDeadlineOrder() {
        Admissions a = new Admissions(10_000, 4);
        SplittableRandom r = new SplittableRandom(3);
        long[] ends = new long[5000];
        for (int i = 0; i < ends.length; i++) {
            long window = 1 + r.nextLong(1_000_000);
            a.admit(4, 0, i, 0, 0, window, 0, sink);
            ends[i] = window;
        }
        long previous = Long.MIN_VALUE;
        int seen = 0;
        while (a.hasDeadline()) {
            long d = a.nextDeadline();
            assertTrue(d >= previous, "deadline " + d + " after " + previous);
            a.expire(d, (family, hi, lo, sequence, early) -> assertEquals(ends[(int) lo], d, "expired early: " + lo));
            previous = d;
            seen++;
        }
        assertTrue(seen > 0 && a.size() == 0, "entries left after all windows ended");
    }

    @Test
    void unlistKeepsTheHoldOff() {
        Admissions a = new Admissions(16, 4);
        a.admit(4, 0, 2, 0, 100, 90, 300, sink);
        assertTrue(a.unlist(4, 0, 2, 0, 110), "listed source not unlisted");
        assertFalse(a.listed(4, 0, 2, 0), "still listed");
        assertTrue(a.holdsOff(4, 0, 2, 0, 399), "hold-off lost with the listing");
        assertFalse(a.holdsOff(4, 0, 2, 0, 400), "hold-off past its end");
        assertFalse(a.unlist(4, 0, 2, 0, 120), "unlisted twice");
        a.expire(400, sink);
        assertEquals(List.of(), out, "an unlisted source was unlisted again at expiry");
        assertEquals(0, a.size(), "entry left after its hold-off");
    }

    @Test
    void atTheCapTheEarliestDeadlineGoesAndComesOffItsList() {
        Admissions a = new Admissions(16, 4);
        for (int i = 0; i < 16; i++) {
            a.admit(4, 0, i, 0, 0, 1000 + i, 0, sink);
        }
        a.admit(4, 0, 99, 0, 0, 5000, 0, sink);
        assertEquals(List.of("early 0.0.0.0/0"), out, "the earliest window was not ended early");
        assertEquals(16, a.size(), "size past the cap");
        assertTrue(a.listed(4, 0, 99, 0), "the new admission is not listed");
    }

    @Test
    void adoptionKeepsTheLaterExpiry() {
        Admissions a = new Admissions(16, 4);
        a.admit(4, 0, 2, 0, 0, 500, 0, sink);
        a.adopt(4, 0, 2, 0, 0, 90, sink);
        assertEquals(500, a.nextDeadline(), "adoption shortened a window");
        a.adopt(4, 0, 3, 1, 0, 90, sink);
        assertEquals(90, a.nextDeadline(), "adopted entry's window");
        assertFalse(a.holdsOff(4, 0, 3, 1, 1), "adopted entry has a hold-off");
    }
}
