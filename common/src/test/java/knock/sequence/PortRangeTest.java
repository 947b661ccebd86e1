package knock.sequence;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PortRangeTest {

    @Test
    void readsAndWritesFirstDashLast() {
        PortRange range = PortRange.parse(" 40000-49999 ");
        assertEquals(new PortRange(40000, 49999), range);
        assertEquals(10000, range.size());
        assertEquals("40000-49999", range.toString());
        assertTrue(range.near(39999, 1));
        assertFalse(range.near(39998, 1));
        assertTrue(range.near(50000, 1));
    }

    @Test
    void refusesBadRangesNamingTheValue() {
        for (String bad : new String[] {"40000", "-40000", "40000-", "a-b", "0-100", "40000-70000", "5000-4000",
                "1-2-3", "999999-1000000"}) {
            String message = assertThrows(IllegalArgumentException.class, () -> PortRange.parse(bad)).getMessage();
            assertTrue(message.startsWith("port range ") && message.endsWith(
                    "(expected: FIRST-LAST, ports 1-65535, such as 40000-49999)"), bad + ": " + message);
        }
    }
}
