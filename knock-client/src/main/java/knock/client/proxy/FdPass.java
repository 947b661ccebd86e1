package knock.client.proxy;

import knock.client.ClientException;
import knock.net.Errno;
import knock.net.NativeException;
import knock.net.NativeSocket;

/**
 * Hands a connected socket to ssh over stdout, as {@code ProxyUseFdpass yes} expects: ssh gives the
 * ProxyCommand one end of a Unix socket pair as stdout and waits for a descriptor in an {@code SCM_RIGHTS}
 * message. Once sent, ssh owns the connection and this process can exit: no JVM stays for the session.
 */
public final class FdPass {

    /** stdout, where ssh listens for the descriptor. */
    private static final int STDOUT = 1;

    private FdPass() {
    }

    /**
     * Sends {@code socket}'s descriptor to ssh and closes this process's copy.
     *
     * @throws ClientException exit 2 when stdout is not a socket (not run by ssh with ProxyUseFdpass), else 1
     */
    public static void handOver(NativeSocket socket) {
        try (socket) {
            NativeSocket.sendDescriptor(STDOUT, socket.fd());
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOTSOCK) {
                throw ClientException.usage("--fdpass: stdout is not a socket (expected: run by ssh with ProxyUseFdpass yes)");
            }
            throw ClientException.failure("--fdpass: cannot pass the socket to ssh: " + e.getMessage());
        }
    }
}
