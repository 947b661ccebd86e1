package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;

class NetworkFailureTest {

    @Test
    void ourSocketsAndTheJdksAreWordedAlike() {
        assertEquals(NetworkFailure.NETWORK_UNREACHABLE,
                NetworkFailure.of(new NativeException("connect", Errno.ENETUNREACH, null)));
        assertEquals(NetworkFailure.NETWORK_UNREACHABLE,
                NetworkFailure.of(new SocketException("Network is unreachable")));
        assertEquals(NetworkFailure.NO_ROUTE, NetworkFailure.of(new NativeException("connect", Errno.EHOSTUNREACH, null)));
        assertEquals(NetworkFailure.NO_ROUTE, NetworkFailure.of(new NoRouteToHostException("No route to host")));
        assertEquals(NetworkFailure.TIMED_OUT, NetworkFailure.of(new NativeException("connect", Errno.ETIMEDOUT, null)));
        assertEquals(NetworkFailure.TIMED_OUT, NetworkFailure.of(new SocketTimeoutException("timeout")));
        assertEquals(NetworkFailure.REFUSED, NetworkFailure.of(new NativeException("connect", Errno.ECONNREFUSED, null)));
        assertEquals(NetworkFailure.REFUSED, NetworkFailure.of(new ConnectException("Connection refused")));
        assertEquals("no route to host", NetworkFailure.NO_ROUTE.words());
    }

    @Test
    void anythingElseIsNoPathFailure() {
        assertNull(NetworkFailure.of(new NativeException("socket", Errno.EPERM, null)));
        assertNull(NetworkFailure.of(new SocketException("Socket closed")));
        assertNull(NetworkFailure.of(new IOException("disk")));
    }
}
