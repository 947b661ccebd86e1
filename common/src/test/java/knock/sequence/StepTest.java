package knock.sequence;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StepTest {

    @Test
    void readsEveryTextForm() {
        assertEquals(Step.tcp(7000), Step.parse("7000"), "a bare port is TCP, as in knockd's client");
        assertEquals(Step.tcp(7000), Step.parse("7000/tcp"));
        assertEquals(Step.udp(7000), Step.parse("7000/UDP"));
        assertEquals(Step.udp(7000), Step.parse("7000:udp"), "knockd's PORT:PROTO form");
        assertEquals(Step.icmp(56), Step.parse("icmp"), "bare icmp is what a plain ping sends");
        assertEquals(Step.icmp(64), Step.parse("icmp/64"));
    }

    @Test
    void writesWhatItReads() {
        for (String text : new String[] {"7000/tcp", "8000/udp", "icmp/0", "icmp/1452"}) {
            assertEquals(text, Step.parse(text).toString());
        }
    }

    @Test
    void rejectsBadStepsNamingTheValue() {
        assertEquals("step port 70000 (expected: 1-65535)",
                assertThrows(IllegalArgumentException.class, () -> Step.parse("70000/tcp")).getMessage());
        assertEquals("step port 0 (expected: 1-65535)",
                assertThrows(IllegalArgumentException.class, () -> Step.parse("0")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Step.parse("7000/sctp")).getMessage()
                .contains("unknown protocol 'sctp'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Step.parse("icmp/2000")).getMessage()
                .contains("icmp payload 2000 (expected: 0-1452)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Step.parse("ssh")).getMessage()
                .contains("(expected: PORT[/tcp|/udp] or icmp[/SIZE])"));
        assertThrows(IllegalArgumentException.class, () -> Step.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> Step.parse("99999999999"));
    }
}
