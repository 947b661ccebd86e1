package knock.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DigitsTest {

    @Test
    void takesOneToMaxAsciiDigits() {
        assertTrue(Digits.upTo("0", 5));
        assertTrue(Digits.upTo("65535", 5));
    }

    @Test
    void refusesWhatParseIntWouldTakeOrChokeOn() {
        assertFalse(Digits.upTo("", 5));
        assertFalse(Digits.upTo("655350", 5));
        assertFalse(Digits.upTo("+22", 5));
        assertFalse(Digits.upTo("-1", 5));
        assertFalse(Digits.upTo(" 22", 5));
        assertFalse(Digits.upTo("2 2", 5));
        assertFalse(Digits.upTo("\u0662\u0662", 5)); // Arabic-Indic 22: Integer.parseInt would take it
        assertFalse(Digits.upTo("22a", 5));
    }
}
