package knock.client.spa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import knock.KnockException;
import knock.client.ClientException;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;
import knock.spa.SshWire;

/**
 * Key files built byte by byte (PROTOCOL.key), for the damage ssh-keygen never writes: every one is a single
 * line naming the file, never a stack trace and never a signature with a key that is not the file's.
 */
class KeyFileTest {

    private static final byte[] SEED = new byte[32];
    private static final Ed25519PrivateKeyParameters KEY;
    private static final byte[] PUB;

    static {
        for (int i = 0; i < SEED.length; i++) {
            SEED[i] = (byte) (i * 7 + 1);
        }
        KEY = new Ed25519PrivateKeyParameters(SEED, 0);
        PUB = KEY.generatePublicKey().getEncoded();
    }

    /** The parts of a key file, changed one at a time by the tests. */
    private static final class Builder {
        String cipher = "none";
        String kdf = "none";
        byte[] kdfOptions = new byte[0];
        int keys = 1;
        byte[] publicBlob = KeyBlobs.ed25519(PUB);
        int check2 = 0x01020304;
        String type = "ssh-ed25519";
        byte[] sectionPub = PUB;
        byte[] pair = concat(SEED, PUB);
        int padTo = 8;
        boolean badPadding;

        byte[] section() {
            SshWire.Writer w = new SshWire.Writer().u32(0x01020304).u32(check2).string(type).bytes(sectionPub)
                    .bytes(pair).string("comment");
            byte[] body = w.toByteArray();
            for (int i = 1; (body.length + i - 1) % padTo != 0; i++) {
                w.u8(badPadding ? 0 : i);
            }
            return w.toByteArray();
        }

        String text() {
            byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
            SshWire.Writer w = new SshWire.Writer();
            for (byte b : magic) {
                w.u8(b);
            }
            w.string(cipher).string(kdf).bytes(kdfOptions).u32(keys).bytes(publicBlob).bytes(section());
            return "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(w.toByteArray())
                    + "\n-----END OPENSSH PRIVATE KEY-----\n";
        }

        KeyFile parse() {
            return KeyFile.parse(text().getBytes(StandardCharsets.US_ASCII), "~/.ssh/k");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String error(Builder b) {
        ClientException e = assertThrows(ClientException.class, () -> b.parse().privateKey());
        assertEquals(KnockException.USAGE, e.exitCode());
        return e.getMessage();
    }

    private static String error(String text) {
        return assertThrows(ClientException.class,
                () -> KeyFile.parse(text.getBytes(StandardCharsets.UTF_8), "~/.ssh/k")).getMessage();
    }

    @Test
    void aWellFormedUnencryptedFileGivesItsKey() {
        KeyFile file = new Builder().parse();
        assertTrue(file.isPrivate());
        assertFalse(file.encrypted());
        assertArrayEquals(KeyBlobs.ed25519(PUB), file.publicBlob());
        assertArrayEquals(SEED, file.privateKey().getEncoded());
    }

    @Test
    void differingCheckWordsAreMalformed() {
        Builder b = new Builder();
        b.check2 = 0;
        assertEquals("~/.ssh/k: malformed OpenSSH key file (check words differ)", error(b));
    }

    @Test
    void aPrivateKeyThatIsNotTheHeadersIsRefused() {
        Builder b = new Builder();
        byte[] otherSeed = SEED.clone();
        otherSeed[0] ^= 1;
        b.pair = concat(otherSeed, PUB); // a damaged seed next to the right public key
        assertEquals("~/.ssh/k: malformed OpenSSH key file (private and public key do not match)", error(b));
        Builder c = new Builder();
        byte[] otherPub = PUB.clone();
        otherPub[5] ^= 1;
        c.sectionPub = otherPub;
        assertEquals("~/.ssh/k: malformed OpenSSH key file (private and public key do not match)", error(c));
    }

    @Test
    void badPaddingIsMalformed() {
        Builder b = new Builder();
        b.badPadding = true;
        b.padTo = 16;
        assertEquals("~/.ssh/k: malformed OpenSSH key file (bad padding)", error(b));
    }

    @Test
    void twoKeysInOneFileAreMalformed() {
        Builder b = new Builder();
        b.keys = 2;
        assertEquals("~/.ssh/k: malformed OpenSSH key file (2 keys (expected: 1))", error(b));
    }

    @Test
    void aCipherKnockCannotDecryptSendsTheUserToTheAgent() {
        Builder b = new Builder();
        b.cipher = "chacha20-poly1305@openssh.com";
        b.kdf = "bcrypt";
        assertEquals("~/.ssh/k is encrypted with chacha20-poly1305@openssh.com, which knock cannot decrypt"
                + " (expected: aes256-ctr, ssh-keygen's default): add it to ssh-agent (ssh-add ~/.ssh/k)", error(b));
    }

    @Test
    void aHugeBcryptRoundCountIsRefusedBeforeAnyWork() {
        Builder b = new Builder();
        b.cipher = "aes256-ctr";
        b.kdf = "bcrypt";
        b.kdfOptions = new SshWire.Writer().bytes(new byte[16]).u32(0xffffffffL).toByteArray();
        b.padTo = 16;
        assertEquals("~/.ssh/k asks for 4294967295 bcrypt rounds, more than knock runs (expected: 1-4096): add it"
                + " to ssh-agent (ssh-add ~/.ssh/k)", error(b));
        b.kdfOptions = new SshWire.Writer().bytes(new byte[16]).u32(0).toByteArray();
        assertEquals("~/.ssh/k: malformed OpenSSH key file (bcrypt rounds 0 (expected: 1-4096))", error(b));
    }

    @Test
    void aNonEd25519HeaderIsRefusedByType() {
        Builder b = new Builder();
        b.publicBlob = new SshWire.Writer().string("ecdsa-sha2-nistp384").bytes(new byte[4]).toByteArray();
        assertEquals("~/.ssh/k is an ECDSA key (ecdsa-sha2-nistp384); SPA needs an Ed25519 key (make one with"
                + " ssh-keygen -t ed25519)", error(b));
    }

    @Test
    void otherKeyFormatsAreNamed() {
        assertEquals("~/.ssh/k is an ECDSA key (PEM); SPA needs an Ed25519 key (make one with ssh-keygen -t"
                + " ed25519)", error("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"));
        assertEquals("~/.ssh/k is a PuTTY key; convert it with puttygen -O private-openssh-new",
                error("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"));
        assertTrue(error("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .startsWith("~/.ssh/k is not an OpenSSH key file (expected: -----BEGIN OPENSSH PRIVATE KEY-----"));
        assertEquals("~/.ssh/k: malformed OpenSSH key file (no -----END OPENSSH PRIVATE KEY----- line)",
                error("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"));
        assertEquals("~/.ssh/k: malformed OpenSSH key file (bad base64)",
                error("-----BEGIN OPENSSH PRIVATE KEY-----\nA*A\n-----END OPENSSH PRIVATE KEY-----\n"));
        assertEquals("~/.ssh/k: malformed OpenSSH key file (no openssh-key-v1 magic)",
                error("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"));
    }

    @Test
    void publicKeyLinesAreReadAndCheckedByType() {
        String blob = Base64.getEncoder().encodeToString(KeyBlobs.ed25519(PUB));
        KeyFile file = KeyFile.parse(("ssh-ed25519 " + blob + " me@host\n").getBytes(StandardCharsets.US_ASCII),
                "~/.ssh/k.pub");
        assertFalse(file.isPrivate());
        assertArrayEquals(KeyBlobs.ed25519(PUB), file.publicBlob());
        assertEquals("~/.ssh/k: malformed OpenSSH key file (public key line says ssh-rsa but holds ssh-ed25519)",
                error("ssh-rsa " + blob));
        String rsa = Base64.getEncoder().encodeToString(new SshWire.Writer().string("ssh-rsa").toByteArray());
        assertEquals("~/.ssh/k is an RSA key (ssh-rsa); SPA needs an Ed25519 key (make one with ssh-keygen -t"
                + " ed25519)", error("ssh-rsa " + rsa + " me"));
        String sk = Base64.getEncoder().encodeToString(new SshWire.Writer().string("sk-ssh-ed25519@openssh.com")
                .toByteArray());
        assertEquals("~/.ssh/k is a FIDO security key (sk-ssh-ed25519@openssh.com); SPA needs an Ed25519 key"
                + " (make one with ssh-keygen -t ed25519)", error("sk-ssh-ed25519@openssh.com " + sk));
    }
}
