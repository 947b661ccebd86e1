package knock.client.send;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.security.SecureRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

import knock.client.profile.SignedKnock;
import knock.client.spa.SpaSigner;
import knock.spa.SpaFormat;
import knock.spa.SpaOpener;
import knock.spa.SpaRequest;
import knock.spa.SshSig;

/** What the client seals, opened with the server's key: the profile's sequence, admit address and signature. */
class SignedKnockSenderTest {

    private final SecureRandom random = new SecureRandom();

    private SpaSigner signer(byte[] privateKey) {
        byte[] publicKey = new byte[32];
        Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return new SpaSigner() {
            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] sign(byte[] data) {
                byte[] signature = new byte[64];
                Ed25519.sign(privateKey, 0, data, 0, data.length, signature, 0);
                return signature;
            }

            @Override
            public String describe() {
                return "test key";
            }
        };
    }

    @Test
    void theDatagramCarriesTheProfilesSequenceAndAdmitAddressSignedByTheKey() throws Exception {
        byte[] server = new byte[32];
        X25519.generatePrivateKey(random, server);
        byte[] serverPublic = new byte[32];
        X25519.generatePublicKey(server, 0, serverPublic, 0);
        byte[] user = new byte[32];
        Ed25519.generatePrivateKey(random, user);
        SpaSigner signer = signer(user);
        SpaOpener opener = new SpaOpener(server);
        for (InetAddress admit : new InetAddress[] {null, InetAddress.ofLiteral("203.0.113.7"),
                InetAddress.ofLiteral("2001:db8::7")}) {
            SignedKnock knock = new SignedKnock(serverPublic, 62201, "db", null, admit);
            byte[] datagram = new SignedKnockSender(InetAddress.getLoopbackAddress(), null)
                    .seal(knock, signer, 1_790_000_000_000L);
            assertTrue(opener.passesGate(datagram, 0, datagram.length));
            byte[] plaintext = new byte[SpaFormat.MAX_PLAINTEXT];
            int n = opener.open(datagram, 0, datagram.length, plaintext);
            assertTrue(n > 0, "does not open with the server's key");
            SpaRequest request = SpaFormat.decode(plaintext, n);
            assertEquals("db", request.sequence());
            assertEquals(admit, request.admit());
            assertEquals(1_790_000_000_000L, request.timestampMillis());
            assertArrayEquals(SshSig.fingerprint(signer.publicKey()), request.keyFingerprint());
            assertTrue(SshSig.verify(signer.publicKey(), SpaFormat.message(request), request.signature()));
        }
    }
}
