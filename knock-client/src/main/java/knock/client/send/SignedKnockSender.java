package knock.client.send;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.function.Consumer;

import knock.client.ClientException;
import knock.client.profile.SignedKnock;
import knock.client.spa.SpaSigner;
import knock.spa.SpaFormat;
import knock.spa.SpaRequest;
import knock.spa.SpaSeal;
import knock.spa.SshSig;

/**
 * Sends one signed knock: a request for the profile's sequence, stamped now with a fresh nonce, signed by the
 * user's key (in ssh-agent or a key file), sealed to the server's key, in one UDP datagram. The server admits the
 * address the datagram comes from, or the profile's {@code SpaAdmit} address. Nothing comes back, whatever the
 * server decides.
 */
public final class SignedKnockSender {

    private final InetAddress target;
    private final Consumer<String> verbose;
    private final SecureRandom random = new SecureRandom();

    public SignedKnockSender(InetAddress target, Consumer<String> verbose) {
        this.target = target;
        this.verbose = verbose;
    }

    public void send(SignedKnock knock, SpaSigner signer) {
        byte[] datagram = seal(knock, signer, System.currentTimeMillis());
        var family = target instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (DatagramChannel channel = DatagramChannel.open(family)) {
            channel.send(ByteBuffer.wrap(datagram), new InetSocketAddress(target, knock.port()));
        } catch (IOException e) {
            throw ClientException.failure("signed knock to " + Target.text(target) + " port " + knock.port()
                    + ": " + e.getMessage(), e);
        }
        if (verbose != null) {
            verbose.accept("signed knock: " + datagram.length + " bytes to " + Target.text(target) + " udp/"
                    + knock.port() + ", sequence " + knock.sequence() + ", signed by " + signer.describe());
        }
    }

    /** The datagram for {@code knock} at {@code nowMillis}. */
    byte[] seal(SignedKnock knock, SpaSigner signer, long nowMillis) {
        byte[] nonce = new byte[SpaRequest.NONCE_BYTES];
        random.nextBytes(nonce);
        SpaRequest unsigned = new SpaRequest(nowMillis, nonce, SshSig.fingerprint(signer.publicKey()), knock.admit(),
                knock.sequence(), knock.serverKey(), new byte[SpaRequest.SIGNATURE_BYTES]);
        byte[] signature = signer.sign(SshSig.signedData(SpaFormat.message(unsigned)));
        try {
            return SpaSeal.seal(unsigned.signed(signature), knock.serverKey(), random);
        } catch (IllegalArgumentException e) {
            throw ClientException.usage("ServerKey: " + e.getMessage());
        }
    }
}
