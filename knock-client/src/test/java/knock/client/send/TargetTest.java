package knock.client.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;

import knock.client.ClientException;
import knock.client.profile.AddressFamily;
import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void theKnockAddressDefaultsToTheHostsOwn() {
        Target t = Target.resolve("198.18.0.11", null, AddressFamily.ANY);
        assertEquals(InetAddress.ofLiteral("198.18.0.11"), t.knock());
        assertEquals(t.host(), t.knock());
    }

    @Test
    void aKnockAddressOfTheOtherFamilyIsBadInput() {
        ClientException e = assertThrows(ClientException.class,
                () -> Target.resolve("198.18.0.11", "fd6b:6e6f:636b::1", AddressFamily.ANY));
        assertEquals(2, e.exitCode());
        assertEquals("address fd6b:6e6f:636b::1 is not IPv4 (expected: one family for knocks and connection;"
                + " see -4, -6, AddressFamily)", e.getMessage());
        assertEquals(2, assertThrows(ClientException.class,
                () -> Target.resolve("198.18.0.11", null, AddressFamily.INET6)).exitCode(), "-6 with an IPv4 literal");
    }

    @Test
    void ipv6AddressesAreShownCompressed() {
        assertEquals("fd6b:6e6f:636b::2", Target.text(InetAddress.ofLiteral("fd6b:6e6f:636b:0:0:0:0:2")));
        assertEquals("::1", Target.text(InetAddress.ofLiteral("::1")));
        assertEquals("1:0:2::", Target.text(InetAddress.ofLiteral("1:0:2:0:0:0:0:0")));
        assertEquals("1:2:3:4:5:6:7:8", Target.text(InetAddress.ofLiteral("1:2:3:4:5:6:7:8")));
        assertEquals("198.18.0.1", Target.text(InetAddress.ofLiteral("198.18.0.1")));
    }
}
