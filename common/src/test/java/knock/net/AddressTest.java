package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void anIpv4MappedLiteralStaysIpv6AsXtRecentKeepsIt() {
        InetAddress mapped = Address.parse("0000:0000:0000:0000:0000:ffff:c612:0002");
        assertEquals(6, Address.family(mapped), "family of an IPv4-mapped literal");
        assertEquals("::ffff:c612:2", Address.format(mapped), "RFC 5952 text of an IPv4-mapped address");
    }

    @Test
    void primitivesAndInetAddressesPrintAlike() {
        for (String text : new String[] {"198.18.0.2", "fd6b:6e6f:636b::2", "1:0:2::", "2001:db8::1:0:0:1"}) {
            InetAddress a = InetAddress.ofLiteral(text);
            assertEquals(text, Address.format(a), "text of " + text);
            assertEquals(text, Address.format(Address.family(a), Address.hi(a), Address.lo(a)), "primitives of " + text);
            assertEquals(a, Address.toInetAddress(Address.family(a), Address.hi(a), Address.lo(a)), "round trip");
        }
    }

    @Test
    void aHostNameIsNotAnAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Address.parse("localhost"));
        assertEquals("address 'localhost' (expected: an IPv4 or IPv6 literal)", e.getMessage());
    }
}
