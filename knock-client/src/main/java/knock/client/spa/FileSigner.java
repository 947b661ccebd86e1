package knock.client.spa;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs with a private key read from its file (decrypted, if it was, before this is made). Pure Ed25519
 * (RFC 8032), the same bytes ssh-agent returns for the same key and data.
 */
final class FileSigner implements SpaSigner {

    private final Ed25519PrivateKeyParameters key;
    private final byte[] publicKey;
    private final String description;

    FileSigner(Ed25519PrivateKeyParameters key, String shownFile) {
        this.key = key;
        this.publicKey = key.generatePublicKey().getEncoded();
        this.description = "key file " + shownFile;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] data) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(data, 0, data.length);
        return signer.generateSignature();
    }

    @Override
    public String describe() {
        return description;
    }
}
