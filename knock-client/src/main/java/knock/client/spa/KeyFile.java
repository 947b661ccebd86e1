package knock.client.spa;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

import knock.client.ClientException;
import org.bouncycastle.crypto.generators.BCrypt;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import knock.spa.SshWire;

/**
 * The content of one key file as ssh-keygen writes it: an {@code openssh-key-v1} private key (PROTOCOL.key in
 * OpenSSH: a clear header with the public key, then the private section, plain or encrypted with bcrypt_pbkdf
 * and AES-CTR), or a public key line ({@code ssh-ed25519 AAAA... comment}, a {@code .pub} file).
 *
 * <p>The public key comes from the clear header, so an encrypted file needs no passphrase until the agent
 * turns out not to hold the key, and an RSA or ECDSA file is refused before anyone is asked. Every problem is
 * one {@link ClientException} line that names the file as the user wrote it.
 */
final class KeyFile {

    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final String BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String END = "-----END OPENSSH PRIVATE KEY-----";
    private static final int AES_BLOCK = 16;
    /**
     * The most bcrypt_pbkdf rounds we run. ssh-keygen writes 16 unless told otherwise ({@code -a}); a round
     * costs about 8 ms here (JDK 25 with C1 only, as the launcher runs; ssh-keygen itself 6 ms), so this is
     * half a minute. The count is read before anything in the file is verified: a corrupt one must not hang
     * the client.
     */
    static final int MAX_ROUNDS = 4096;

    private final String shown;
    private final byte[] publicBlob;
    private final boolean privateKey;
    private final String cipher;
    private final byte[] salt;
    private final int rounds;
    private final byte[] section;

    private KeyFile(String shown, byte[] publicBlob, boolean privateKey, String cipher, byte[] salt, int rounds,
            byte[] section) {
        this.shown = shown;
        this.publicBlob = publicBlob;
        this.privateKey = privateKey;
        this.cipher = cipher;
        this.salt = salt;
        this.rounds = rounds;
        this.section = section;
    }

    /**
     * Parses a file's bytes; {@code shown} names the file in messages. A key that is not Ed25519 fails here.
     */
    static KeyFile parse(byte[] content, String shown) throws ClientException {
        String text = new String(content, StandardCharsets.ISO_8859_1).strip();
        if (text.startsWith(BEGIN)) {
            return parsePrivate(text, shown);
        }
        if (text.startsWith("-----BEGIN ")) {
            throw foreignPem(text, shown);
        }
        if (text.startsWith("PuTTY-User-Key-File-")) {
            throw ClientException.usage(shown + " is a PuTTY key; convert it with puttygen -O private-openssh-new");
        }
        if (!text.isEmpty() && !text.contains("\n") && text.indexOf(' ') > 0) {
            return parsePublic(text, shown);
        }
        throw notOpenSsh(shown);
    }

    /** The public key blob. */
    byte[] publicBlob() {
        return publicBlob.clone();
    }

    /** False for a public key line: only an agent can sign with it. */
    boolean isPrivate() {
        return privateKey;
    }

    /** True when the private section needs a passphrase. */
    boolean encrypted() {
        return privateKey && !"none".equals(cipher);
    }

    /** The private key of an unencrypted file. */
    Ed25519PrivateKeyParameters privateKey() throws ClientException {
        if (encrypted()) {
            throw new IllegalStateException("encrypted key");
        }
        return decode(section, false);
    }

    /**
     * The private key of an encrypted file, or {@code null} when the passphrase is wrong.
     *
     * @param passphrase UTF-8 bytes, as ssh-keygen takes them
     */
    Ed25519PrivateKeyParameters decrypt(byte[] passphrase) throws ClientException {
        int keyLength = switch (cipher) {
            case "aes256-ctr" -> 32;
            case "aes192-ctr" -> 24;
            case "aes128-ctr" -> 16;
            default -> throw new IllegalStateException(cipher);
        };
        byte[] keyIv = BCrypt.pbkdfGenerate(passphrase, salt, rounds, keyLength + AES_BLOCK);
        byte[] plain = new byte[section.length];
        try {
            SICBlockCipher aes = new SICBlockCipher(AESEngine.newInstance());
            aes.init(false, new ParametersWithIV(new KeyParameter(keyIv, 0, keyLength), keyIv, keyLength, AES_BLOCK));
            aes.processBytes(section, 0, section.length, plain, 0);
            return decode(plain, true);
        } finally {
            Arrays.fill(keyIv, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
    }

    // ---- parsing

    private static KeyFile parsePrivate(String text, String shown) throws ClientException {
        int end = text.indexOf(END);
        if (end < 0) {
            throw malformed(shown, "no " + END + " line");
        }
        byte[] binary;
        try {
            // strict, unlike the MIME decoder, which skips any character it does not know
            binary = Base64.getDecoder().decode(text.substring(BEGIN.length(), end).replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw malformed(shown, "bad base64");
        }
        try {
            if (binary.length < MAGIC.length || !Arrays.equals(binary, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new SshWire.Malformed("no openssh-key-v1 magic");
            }
            SshWire.Reader in = new SshWire.Reader(binary, MAGIC.length, binary.length);
            String cipher = in.string();
            String kdf = in.string();
            byte[] kdfOptions = in.bytes();
            long keys = in.u32();
            if (keys != 1) {
                throw new SshWire.Malformed(keys + " keys (expected: 1)");
            }
            byte[] blob = in.bytes();
            String type = KeyBlobs.type(blob);
            if (!KeyBlobs.ED25519.equals(type)) {
                throw ClientException.usage(KeyBlobs.notEd25519(shown, type));
            }
            KeyBlobs.ed25519Key(blob);
            byte[] section = in.bytes();
            if ("none".equals(cipher)) {
                if (!"none".equals(kdf) || kdfOptions.length != 0 || in.remaining() != 0) {
                    throw new SshWire.Malformed("cipher none with kdf " + kdf);
                }
                return new KeyFile(shown, blob, true, cipher, null, 0, section);
            }
            if (!cipher.matches("aes(128|192|256)-ctr")) {
                throw ClientException.usage(shown + " is encrypted with " + cipher
                        + ", which knock cannot decrypt (expected: aes256-ctr, ssh-keygen's default): add it to"
                        + " ssh-agent (ssh-add " + shown + ")");
            }
            if (!"bcrypt".equals(kdf)) {
                throw new SshWire.Malformed("kdf " + kdf + " (expected: bcrypt)");
            }
            SshWire.Reader options = new SshWire.Reader(kdfOptions);
            byte[] salt = options.bytes();
            long rounds = options.u32();
            if (salt.length == 0 || options.remaining() != 0) {
                throw new SshWire.Malformed("bad bcrypt options");
            }
            if (rounds < 1) {
                throw new SshWire.Malformed("bcrypt rounds " + rounds + " (expected: 1-" + MAX_ROUNDS + ")");
            }
            if (rounds > MAX_ROUNDS) {
                throw ClientException.usage(shown + " asks for " + rounds + " bcrypt rounds, more than knock runs"
                        + " (expected: 1-" + MAX_ROUNDS + "): add it to ssh-agent (ssh-add " + shown + ")");
            }
            if (section.length == 0 || section.length % AES_BLOCK != 0 || in.remaining() != 0) {
                throw new SshWire.Malformed("encrypted section of " + section.length + " bytes");
            }
            return new KeyFile(shown, blob, true, cipher, salt, (int) rounds, section);
        } catch (SshWire.Malformed e) {
            throw malformed(shown, e.getMessage());
        }
    }

    private static KeyFile parsePublic(String line, String shown) throws ClientException {
        String[] words = line.split("\\s+", 3);
        if (words.length < 2) {
            throw notOpenSsh(shown);
        }
        byte[] blob;
        String type;
        try {
            blob = Base64.getDecoder().decode(words[1]);
            type = KeyBlobs.type(blob);
        } catch (IllegalArgumentException | SshWire.Malformed e) {
            throw notOpenSsh(shown);
        }
        if (!type.equals(words[0])) {
            throw malformed(shown, "public key line says " + words[0] + " but holds " + type);
        }
        if (!KeyBlobs.ED25519.equals(type)) {
            throw ClientException.usage(KeyBlobs.notEd25519(shown, type));
        }
        try {
            KeyBlobs.ed25519Key(blob);
        } catch (SshWire.Malformed e) {
            throw malformed(shown, e.getMessage());
        }
        return new KeyFile(shown, blob, false, null, null, 0, null);
    }

    /**
     * The private section: {@code uint32 check, uint32 check, string "ssh-ed25519", string pub[32],
     * string seed||pub[64], string comment}, then padding 1, 2, 3, ... The check words differ after a wrong
     * passphrase (OpenSSH's own test); the rest is checked so that a damaged file never signs with a key that
     * does not match its public half.
     */
    private Ed25519PrivateKeyParameters decode(byte[] plain, boolean encrypted) throws ClientException {
        try {
            SshWire.Reader in = new SshWire.Reader(plain);
            if (in.u32() != in.u32()) {
                if (encrypted) {
                    return null;
                }
                throw new SshWire.Malformed("check words differ");
            }
            String type = in.string();
            if (!KeyBlobs.ED25519.equals(type)) {
                throw new SshWire.Malformed("private key type " + type + " under an Ed25519 public key");
            }
            byte[] pub = in.bytes();
            byte[] pair = in.bytes();
            in.bytes(); // comment
            for (int i = 1; in.remaining() > 0; i++) {
                if (in.u8() != (i & 0xff)) {
                    throw new SshWire.Malformed("bad padding");
                }
            }
            byte[] headerKey = KeyBlobs.ed25519Key(publicBlob);
            if (pair.length != 2 * KeyBlobs.KEY_LENGTH || !Arrays.equals(pub, headerKey)
                    || !Arrays.equals(pair, KeyBlobs.KEY_LENGTH, pair.length, pub, 0, pub.length)) {
                throw new SshWire.Malformed("private and public key do not match");
            }
            Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(pair, 0);
            Arrays.fill(pair, (byte) 0);
            if (!Arrays.equals(key.generatePublicKey().getEncoded(), headerKey)) {
                throw new SshWire.Malformed("private and public key do not match");
            }
            return key;
        } catch (SshWire.Malformed e) {
            throw malformed(shown, e.getMessage());
        }
    }

    private static ClientException foreignPem(String text, String shown) {
        String label = text.substring("-----BEGIN ".length(), Math.max(text.indexOf("-----", 11), 11))
                .toUpperCase(Locale.ROOT);
        return switch (label) {
            case "RSA PRIVATE KEY" -> ClientException.usage(KeyBlobs.notEd25519Described(shown, "an RSA key (PEM)"));
            case "EC PRIVATE KEY" -> ClientException.usage(KeyBlobs.notEd25519Described(shown, "an ECDSA key (PEM)"));
            case "DSA PRIVATE KEY" -> ClientException.usage(KeyBlobs.notEd25519Described(shown, "a DSA key (PEM)"));
            default -> notOpenSsh(shown);
        };
    }

    private static ClientException notOpenSsh(String shown) {
        return ClientException.usage(shown + " is not an OpenSSH key file (expected: " + BEGIN
                + " or an ssh-ed25519 public key line, as ssh-keygen writes)");
    }

    private static ClientException malformed(String shown, String detail) {
        return ClientException.usage(shown + ": malformed OpenSSH key file (" + detail + ")");
    }
}
