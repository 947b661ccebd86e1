package knock.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void everyUnitParsesAndABareNumberIsSeconds() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms", DAY));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10", DAY));
        assertEquals(Duration.ofSeconds(10), Durations.parse(" 10s ", DAY));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m", DAY));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2MIN", DAY));
        assertEquals(Duration.ofHours(3), Durations.parse("3h", DAY));
        assertEquals(DAY, Durations.parse("1d", DAY));
    }

    @Test
    void textThatIsNoDurationIsToldFromADurationOutOfRange() {
        for (String bad : new String[] {"", "s", "soon", "1.5s", "-1s", "10 s", "5y"}) {
            assertFalse(assertThrows(Durations.Invalid.class, () -> Durations.parse(bad, DAY)).outOfRange(), bad);
        }
        for (String far : new String[] {"25h", "2d", "86400001ms", "99999999999999999999h", "9223372036854775808ms"}) {
            assertTrue(assertThrows(Durations.Invalid.class, () -> Durations.parse(far, DAY)).outOfRange(), far);
        }
    }

    @Test
    void textWritesTheLargestExactUnitAndElapsedATenth() {
        assertEquals("49d", Durations.text(Duration.ofDays(49)));
        assertEquals("36h", Durations.text(Duration.ofHours(36)));
        assertEquals("5m", Durations.text(Duration.ofMinutes(5)));
        assertEquals("90s", Durations.text(Duration.ofSeconds(90)));
        assertEquals("1500ms", Durations.text(Duration.ofMillis(1500)));
        assertEquals("0s", Durations.text(Duration.ZERO));
        assertEquals("3s", Durations.elapsed(3_000_000_000L));
        assertEquals("1.2s", Durations.elapsed(1_234_000_000L));
    }
}
