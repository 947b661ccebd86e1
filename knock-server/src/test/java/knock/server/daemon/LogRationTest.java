package knock.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogRationTest {

    @Test
    void atMostItsLinesPerSecondAndTheNextLineCountsWhatWasHeldBack() {
        LogRation ration = new LogRation(3);
        long t = 5_000_000_000L;
        assertEquals(0, ration.suppressedBefore(t));
        assertEquals(0, ration.suppressedBefore(t + 1));
        assertEquals(0, ration.suppressedBefore(t + 2));
        for (int i = 0; i < 100; i++) {
            assertEquals(-1, ration.suppressedBefore(t + 10 + i), "a fourth line within the second");
        }
        assertEquals(100, ration.suppressedBefore(t + 1_000_000_000L));
        assertEquals(0, ration.suppressedBefore(t + 1_000_000_001L));
    }
}
