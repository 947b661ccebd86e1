package knock.client.profile;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A host's signed knock (SPA): one datagram to {@code port}, sealed to the server's key and signed with the
 * user's Ed25519 key, asking for {@code sequence}. A profile has one when it sets {@code ServerKey}.
 *
 * @param serverKey    the server's X25519 public key ({@code ServerKey}, from {@code knock-server keygen})
 * @param port         the server's spa-port ({@code SpaPort})
 * @param sequence     the server's [sequence NAME] to open ({@code SpaSequence})
 * @param identityFile the key file ({@code IdentityFile}, {@code ~} allowed), or null for the default
 * @param admit        the address to ask for ({@code SpaAdmit}), or null for the datagram's source
 */
public record SignedKnock(byte[] serverKey, int port, String sequence, String identityFile, InetAddress admit) {

    /** The spa-port when a profile names none. */
    public static final int DEFAULT_PORT = 62201;
    /** The sequence when a profile names none. */
    public static final String DEFAULT_SEQUENCE = "ssh";
    /** {@code SpaAdmit source}: how the profile file says "no address", which a map of values cannot hold as null. */
    static final Object SOURCE = new Object();

    public SignedKnock {
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedKnock s && Arrays.equals(serverKey, s.serverKey) && port == s.port
                && sequence.equals(s.sequence) && java.util.Objects.equals(identityFile, s.identityFile)
                && java.util.Objects.equals(admit, s.admit);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serverKey) * 31 + port;
    }

    @Override
    public String toString() {
        return "SignedKnock[port=" + port + " sequence=" + sequence + "]";
    }
}
