package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeExceptionTest {

    @Test
    void aMissingCapabilityIsNamedWithTheCallAndErrno() {
        NativeException e = new NativeException("nflog bind group 5", Errno.EPERM, NflogSocket.NEEDS_CAP_NET_ADMIN);
        assertEquals("nflog bind group 5: EPERM (Operation not permitted): " + NflogSocket.NEEDS_CAP_NET_ADMIN,
                e.getMessage());
        assertEquals(1, e.exitCode(), "exit code");
        assertEquals(Errno.EPERM, e.errno());
    }

    @Test
    void aMissingInterfaceIsNamed() {
        NativeException e = assertThrows(NativeException.class, () -> Interfaces.index("kcnosuch0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().startsWith("if_nametoindex(kcnosuch0): ENODEV (No such device)"), e.getMessage());
    }

    @Test
    void unknownErrnosStillHaveAName() {
        assertEquals("errno 200", Errno.name(200));
    }
}
