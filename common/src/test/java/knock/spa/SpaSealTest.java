package knock.spa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class SpaSealTest {

    private final SecureRandom random = new SecureRandom();
    private final byte[] serverPrivate = new byte[32];
    private final byte[] serverPublic = new byte[32];
    private final byte[] userPrivate = new byte[32];
    private final byte[] userPublic = new byte[32];

    SpaSealTest() {
        X25519.generatePrivateKey(random, serverPrivate);
        X25519.generatePublicKey(serverPrivate, 0, serverPublic, 0);
        Ed25519.generatePrivateKey(random, userPrivate);
        Ed25519.generatePublicKey(userPrivate, 0, userPublic, 0);
    }

    private SpaRequest signed(InetAddress admit, String sequence) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        SpaRequest unsigned = new SpaRequest(1_790_000_000_000L, nonce, SshSig.fingerprint(userPublic), admit,
                sequence, serverPublic, new byte[64]);
        byte[] data = SshSig.signedData(SpaFormat.message(unsigned));
        byte[] signature = new byte[64];
        Ed25519.sign(userPrivate, 0, data, 0, data.length, signature, 0);
        return unsigned.signed(signature);
    }

    @Test
    void aSealedRequestOpensToTheSameRequestAndItsSignatureVerifies() throws Exception {
        for (InetAddress admit : new InetAddress[] {null, InetAddress.getByName("198.18.0.2"),
                InetAddress.getByName("fd6b:6e6f:636b::2")}) {
            SpaRequest request = signed(admit, "ssh");
            byte[] datagram = SpaSeal.seal(request, serverPublic, random);
            SpaOpener opener = new SpaOpener(serverPrivate);
            assertTrue(opener.passesGate(datagram, 0, datagram.length));
            byte[] plaintext = new byte[SpaFormat.MAX_PLAINTEXT];
            int n = opener.open(datagram, 0, datagram.length, plaintext);
            assertTrue(n > 0, "opens");
            SpaRequest opened = SpaFormat.decode(plaintext, n);
            assertEquals(request, opened);
            assertTrue(SshSig.verify(userPublic, SpaFormat.message(opened), opened.signature()));
        }
    }

    @Test
    void everySingleBitFlipFailsTheGateOrTheSeal() {
        byte[] datagram = SpaSeal.seal(signed(null, "ssh"), serverPublic, random);
        SpaOpener opener = new SpaOpener(serverPrivate);
        byte[] plaintext = new byte[SpaFormat.MAX_PLAINTEXT];
        for (int bit = 0; bit < datagram.length * 8; bit++) {
            byte[] flipped = datagram.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(opener.passesGate(flipped, 0, flipped.length), "gate, bit " + bit);
            // Anyone holding the server's public key can redo the gate MAC: the seal must still refuse it.
            new SpaGate(serverPublic).stamp(flipped, 0, flipped.length);
            if (bit < (datagram.length - SpaGate.MAC_BYTES) * 8) {
                assertEquals(-1, opener.open(flipped, 0, flipped.length, plaintext), "seal, bit " + bit);
            }
        }
    }

    @Test
    void anotherServersKeyOpensNothing() {
        byte[] datagram = SpaSeal.seal(signed(null, "ssh"), serverPublic, random);
        byte[] other = new byte[32];
        X25519.generatePrivateKey(random, other);
        SpaOpener opener = new SpaOpener(other);
        assertFalse(opener.passesGate(datagram, 0, datagram.length));
        assertEquals(-1, opener.open(datagram, 0, datagram.length, new byte[SpaFormat.MAX_PLAINTEXT]));
    }

    @Test
    void aSignatureOverAnotherSequenceOrAddressDoesNotVerify() throws Exception {
        SpaRequest request = signed(null, "ssh");
        SpaRequest moved = new SpaRequest(request.timestampMillis(), request.nonce(), request.keyFingerprint(),
                InetAddress.getByName("198.18.0.66"), request.sequence(), request.serverKey(), request.signature());
        SpaRequest other = new SpaRequest(request.timestampMillis(), request.nonce(), request.keyFingerprint(),
                null, "db", request.serverKey(), request.signature());
        assertTrue(SshSig.verify(userPublic, SpaFormat.message(request), request.signature()));
        assertFalse(SshSig.verify(userPublic, SpaFormat.message(moved), moved.signature()));
        assertFalse(SshSig.verify(userPublic, SpaFormat.message(other), other.signature()));
    }

    @Test
    void lengthsVaryAndStayWithinTheBoundsTheServerAccepts() {
        Set<Integer> lengths = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            byte[] d = SpaSeal.seal(signed(null, "ssh"), serverPublic, random);
            assertTrue(d.length >= SpaSeal.MIN_DATAGRAM && d.length <= SpaSeal.MAX_DATAGRAM, "length " + d.length);
            lengths.add(d.length);
        }
        assertTrue(lengths.size() > 50, "distinct lengths: " + lengths.size());
    }

    /**
     * One client, one key, one sequence, 1,000 knocks: no byte position, counted from the start or from the
     * end, holds a value or a bit more often than chance allows (5 sigma), and the length varies. A plain X25519
     * key in front fails this at bit 255 (always 0); a constant prefix, key id or version fails it everywhere.
     */
    @Test
    void noBytePositionOfAThousandDatagramsIsConstantBeyondChanceAndLengthsVary() {
        int n = 1000;
        byte[][] datagrams = new byte[n][];
        int shortest = Integer.MAX_VALUE;
        Set<Integer> lengths = new HashSet<>();
        for (int i = 0; i < n; i++) {
            datagrams[i] = SpaSeal.seal(signed(null, "ssh"), serverPublic, random);
            shortest = Math.min(shortest, datagrams[i].length);
            lengths.add(datagrams[i].length);
        }
        assertTrue(lengths.size() >= 64, "distinct lengths: " + lengths.size());
        double bitSigma = Math.sqrt(n * 0.25);
        for (boolean fromEnd : new boolean[] {false, true}) {
            for (int pos = 0; pos < shortest; pos++) {
                int[] values = new int[256];
                int[] ones = new int[8];
                for (byte[] d : datagrams) {
                    int b = d[fromEnd ? d.length - 1 - pos : pos] & 0xff;
                    values[b]++;
                    for (int bit = 0; bit < 8; bit++) {
                        ones[bit] += b >>> bit & 1;
                    }
                }
                String where = (fromEnd ? "byte -" + (pos + 1) : "byte " + pos);
                for (int bit = 0; bit < 8; bit++) {
                    assertTrue(Math.abs(ones[bit] - n / 2.0) <= 5 * bitSigma, where + " bit " + bit + " is 1 in "
                            + ones[bit] + " of " + n);
                }
                for (int v = 0; v < 256; v++) {
                    // Binomial(1000, 1/256): mean 3.9; 24 or more anywhere among 2 x ~220 x 256 cells is < 1e-6.
                    assertTrue(values[v] < 24, where + " is " + v + " in " + values[v] + " of " + n);
                }
            }
        }
    }

    @Test
    void aTruncatedPlaintextIsAFormatErrorNotACrash() {
        byte[] encoded = SpaFormat.encode(signed(null, "ssh"), 0);
        for (int n = 0; n < encoded.length; n++) {
            int cut = n;
            assertNotEquals(null, org.junit.jupiter.api.Assertions.assertThrows(SpaFormatException.class,
                    () -> SpaFormat.decode(encoded, cut)).getMessage());
        }
        assertArrayEquals(encoded, SpaFormat.encode(SpaFormat.decode(encoded, encoded.length), 0));
    }
}
