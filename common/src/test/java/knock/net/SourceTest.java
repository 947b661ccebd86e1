package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class SourceTest {

    @Test
    void kernelFormIsReadAndWrittenCompressed() {
        Source s = Source.parse("fd6b:6e6f:636b:0000:0000:0000:0000:0002");
        assertEquals(new Source(6, 0xfd6b_6e6f_636b_0000L, 2), s, "parsed kernel form");
        assertEquals("fd6b:6e6f:636b::2", s.toString(), "RFC 5952 form");
    }

    @Test
    void rfc5952CompressesTheLongestRunOnlyAndNeverASingleGroup() {
        assertEquals("::", Source.parse("0:0:0:0:0:0:0:0").toString(), "all zero");
        assertEquals("::1", Source.parse("0:0:0:0:0:0:0:1").toString(), "loopback");
        assertEquals("2001:db8::1:0:0:1", Source.parse("2001:db8:0:0:1:0:0:1").toString(), "first of equal runs");
        assertEquals("2001:db8:0:1:1:1:1:1", Source.parse("2001:db8::1:1:1:1:1").toString(), "a lone zero group");
        assertEquals("fe80::", Source.parse("fe80::").toString(), "trailing run");
    }

    @Test
    void inetAddressesConvertBothWays() throws Exception {
        for (String text : new String[] {"198.18.0.2", "255.255.255.255", "fd6b:6e6f:636b::11", "::1"}) {
            InetAddress a = InetAddress.ofLiteral(text);
            Source s = Source.of(a);
            assertEquals(a, s.toInetAddress(), "round trip of " + text);
            assertEquals(text, s.toString(), "text of " + text);
        }
        assertEquals(0xffff_ffffL, Source.of(InetAddress.ofLiteral("255.255.255.255")).lo(), "IPv4 sign-extended");
    }

    @Test
    void badLiteralsAreRefused() {
        for (String bad : new String[] {"1.2.3", "1.2.3.256", "1::2::3", "1:2:3:4:5:6:7", "12345::", "g::1", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Source.parse(bad), bad + " accepted");
        }
    }
}
