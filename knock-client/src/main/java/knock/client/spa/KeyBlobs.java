package knock.client.spa;

import knock.spa.SshSig;
import knock.spa.SshWire;

/**
 * OpenSSH public key blobs (RFC 4253 section 6.6, RFC 8709 for Ed25519): {@code string "ssh-ed25519",
 * string key[32]}, the form in {@code .pub} files, in key files' headers and in the agent protocol; plus
 * their {@code SHA256:} fingerprints as {@code ssh-keygen -l} prints them, and the one line for a key of the
 * wrong type.
 */
final class KeyBlobs {

    /** The only key type SPA signs with. */
    static final String ED25519 = SshSig.ED25519;
    /** Length of a raw Ed25519 public key and of the private seed. */
    static final int KEY_LENGTH = 32;
    /** Length of a raw Ed25519 signature. */
    static final int SIGNATURE_LENGTH = 64;

    private KeyBlobs() {
    }

    /** The blob of a raw Ed25519 public key. */
    static byte[] ed25519(byte[] publicKey) {
        return SshSig.publicKeyBlob(publicKey);
    }

    /** The key type a blob starts with, e.g. {@code ssh-rsa}. */
    static String type(byte[] blob) throws SshWire.Malformed {
        return new SshWire.Reader(blob).string();
    }

    /** The raw public key of an Ed25519 blob. */
    static byte[] ed25519Key(byte[] blob) throws SshWire.Malformed {
        return SshSig.publicKey(blob);
    }

    /** {@code SHA256:} and the unpadded base64 of the blob's SHA-256, as ssh-keygen -l and ssh-add -l print. */
    static String fingerprint(byte[] blob) {
        return SshSig.format(SshSig.blobFingerprint(blob));
    }

    /** The line for a key that is not Ed25519: {@code what} names where it came from. */
    static String notEd25519(String what, String type) {
        return notEd25519Described(what, describeType(type));
    }

    /** As {@link #notEd25519} with the key already described, e.g. "an RSA key (PEM)". */
    static String notEd25519Described(String what, String description) {
        return what + " is " + description + "; SPA needs an Ed25519 key (make one with ssh-keygen -t ed25519)";
    }

    /** "an RSA key (ssh-rsa)" and the like, for messages. */
    static String describeType(String type) {
        String kind;
        if (type.startsWith("sk-")) {
            kind = "a FIDO security";
        } else if (type.startsWith("ssh-rsa") || type.startsWith("rsa-")) {
            kind = "an RSA";
        } else if (type.startsWith("ecdsa-")) {
            kind = "an ECDSA";
        } else if (type.startsWith("ssh-dss")) {
            kind = "a DSA";
        } else if (type.contains("-cert-")) {
            kind = "a certificate";
        } else if (type.startsWith("ssh-ed448")) {
            kind = "an Ed448";
        } else {
            kind = "a";
        }
        return kind + " key (" + type + ")";
    }
}
