package knock.spa;

import java.nio.charset.StandardCharsets;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * The cheap first check of a datagram: its last {@value #MAC_BYTES} bytes are a keyed BLAKE2s of the rest, keyed
 * from the server's public key (WireGuard's mac1). Only clients hold that key, so blind junk fails here for the
 * price of one hash, before any public-key work; a client's datagram that fails later must still pass here.
 * It allocates nothing per datagram. Not thread-safe: one instance per thread.
 */
public final class SpaGate {

    public static final int MAC_BYTES = 16;

    private static final byte[] LABEL = "knock spa v1 gate".getBytes(StandardCharsets.US_ASCII);

    private final Blake2sMac blake;
    private final byte[] mac = new byte[MAC_BYTES];

    public SpaGate(byte[] serverKey) {
        Blake2sDigest d = new Blake2sDigest(256);
        d.update(LABEL, 0, LABEL.length);
        d.update(serverKey, 0, serverKey.length);
        byte[] key = new byte[32];
        d.doFinal(key, 0);
        blake = new Blake2sMac(key);
    }

    /** Writes the MAC of {@code datagram[off, off + len - MAC_BYTES)} into its last bytes. */
    public void stamp(byte[] datagram, int off, int len) {
        compute(datagram, off, len - MAC_BYTES);
        System.arraycopy(mac, 0, datagram, off + len - MAC_BYTES, MAC_BYTES);
    }

    /** Whether the datagram's last bytes are the MAC of the rest; in time independent of where it differs. */
    public boolean passes(byte[] datagram, int off, int len) {
        if (len <= MAC_BYTES) {
            return false;
        }
        compute(datagram, off, len - MAC_BYTES);
        int diff = 0;
        int at = off + len - MAC_BYTES;
        for (int i = 0; i < MAC_BYTES; i++) {
            diff |= mac[i] ^ datagram[at + i];
        }
        return diff == 0;
    }

    private void compute(byte[] bytes, int off, int len) {
        blake.mac(bytes, off, len, mac, 0);
    }
}
