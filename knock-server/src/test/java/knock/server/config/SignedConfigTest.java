package knock.server.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import knock.config.ConfigException;
import knock.spa.SshSig;

/** Signed sequences in the config, and the key files they bring: each bad input is one line with file:line. */
class SignedConfigTest {

    @TempDir
    Path dir;
    Path key;
    Path keys;
    String alice;

    @BeforeEach
    void files() throws Exception {
        key = dir.resolve("spa.key");
        byte[] k = new byte[32];
        X25519.generatePrivateKey(new SecureRandom(), k);
        SpaKeyFile.write(key, k, "test");
        byte[] sk = new byte[32];
        Ed25519.generatePrivateKey(new SecureRandom(), sk);
        byte[] pk = new byte[32];
        Ed25519.generatePublicKey(sk, 0, pk, 0);
        alice = "ssh-ed25519 " + Base64.getEncoder().encodeToString(SshSig.publicKeyBlob(pk)) + " alice@laptop";
        keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "# users\n" + alice + "\n");
    }

    private String config(String sequence) {
        return "[server]\nspa-key = " + key + "\nauthorized-keys = " + keys + "\n\n[sequence ssh]\n"
                + "knock-address = 198.18.0.1\n" + sequence;
    }

    private ServerConfig read(String sequence) {
        return ServerConfigReader.parse("k.conf", config(sequence));
    }

    private String error(String sequence) {
        return assertThrows(ConfigException.class, () -> read(sequence)).getMessage();
    }

    private String keysError(String lines) throws Exception {
        Files.writeString(keys, lines);
        ConfigException e = assertThrows(ConfigException.class, () -> read("spa-port = 62201\n"));
        assertEquals(2, e.exitCode());
        return e.getMessage();
    }

    @Test
    void aSignedSequenceReadsItsKeysAndHasNoScanGuard() {
        ServerConfig config = read("spa-port = 62201\nwindow = 60s\n");
        SequenceConfig ssh = config.sequences().getFirst();
        assertTrue(ssh.signed());
        assertEquals(62201, ssh.spaPort());
        assertEquals(new SequenceConfig.ScanGuard(0, false, java.time.Duration.ZERO), ssh.scanGuard());
        assertEquals(1, config.spa().keys().size());
        assertEquals("alice@laptop", config.spa().keys().getFirst().comment());
        assertEquals(keys + ":2", config.spa().keys().getFirst().where());
    }

    @Test
    void stepsAndSpaPortTogetherOrKeysThatDoNotApplyAreErrors() {
        assertEquals("k.conf:8: steps in a sequence with spa-port (expected: no steps; a signed knock is one "
                + "datagram, which no scan or replay can use)", error("spa-port = 62201\nsteps = 7000\n"));
        assertEquals("k.conf:8: hold-off in a sequence with spa-port (expected: no hold-off; a signed knock is one "
                + "datagram, which no scan or replay can use)", error("spa-port = 62201\nhold-off = 1m\n"));
    }

    @Test
    void aSpaPortOnAPlainSequencesUdpStepIsAnError() {
        String text = config("spa-port = 62201\n") + "[sequence db]\nsteps = 62202/udp 9000/tcp\n"
                + "knock-address = 198.18.0.1\nguard-port = 5432\nlist4 = db4\nlist6 = db6\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfigReader.parse("k.conf", text));
        assertEquals("k.conf:9: spa-port 62201 of sequence ssh is step 62202/udp of sequence db or its neighbour "
                + "(expected: a port of its own)", e.getMessage());
    }

    @Test
    void badKeyFilesAreOneLineEach() throws Exception {
        Files.writeString(keys, "");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(key + ": mode rw-r--r-- lets others read the private key (expected: chmod 600, as "
                + "knock-server keygen writes it)", error("spa-port = 62201\n"));
        Files.delete(key);
        assertEquals(key + ": no such file", error("spa-port = 62201\n"));
        SpaKeyFile.write(key, new byte[32], "x");
        Files.writeString(key, "# k\nnot a key\n");
        assertEquals(key + ":2: private key (expected: 44 characters of base64, as knock-server keygen writes it)",
                error("spa-port = 62201\n"));
    }

    @Test
    void badAuthorizedKeysLinesNameFileAndLine() throws Exception {
        assertEquals(keys + ":2: ssh-rsa key (expected: ssh-ed25519; knocks are signed with Ed25519 keys, made with "
                + "ssh-keygen -t ed25519)", keysError(alice + "\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ bob\n"));
        assertEquals(keys + ":1: key 'AAAA' (expected: the base64 of an ssh-ed25519 public key)",
                keysError("ssh-ed25519 AAAA x\n"));
        assertEquals(keys + ":1: 'hello world' (expected: [options] ssh-ed25519 BASE64 [comment], as in an "
                + "id_ed25519.pub file)", keysError("hello world\n"));
        assertEquals(keys + ":1: unknown option 'command' (expected: from, sequences or admit)",
                keysError("command=\"x\" " + alice + "\n"));
        assertEquals(keys + ":1: from '198.18.0.1/40' (expected: prefix length 0-32)",
                keysError("from=\"198.18.0.1/40\" " + alice + "\n"));
        assertEquals(keys + ":1: sequences names 'db' (expected: a [sequence NAME] with spa-port; signed: ssh)",
                keysError("sequences=\"db\" " + alice + "\n"));
        assertTrue(keysError(alice + "\n" + alice + "\n").startsWith(keys + ":2: key SHA256:"));
    }

    @Test
    void keyOptionsAreRead() throws Exception {
        Files.writeString(keys, "from=\"198.18.0.0/24,fd6b:6e6f:636b::/64\",sequences=\"ssh\",admit=\"198.18.0.9\" "
                + alice + "\n");
        AuthorizedKey k = read("spa-port = 62201\n").spa().keys().getFirst();
        assertTrue(k.allowsSource(java.net.InetAddress.getByName("198.18.0.77")));
        assertTrue(k.allowsSource(java.net.InetAddress.getByName("fd6b:6e6f:636b::5")));
        assertFalse(k.allowsSource(java.net.InetAddress.getByName("198.18.1.1")));
        assertTrue(k.allowsSequence("ssh"));
        assertTrue(k.allowsAdmitting(java.net.InetAddress.getByName("198.18.0.9")));
        assertFalse(k.allowsAdmitting(java.net.InetAddress.getByName("198.18.0.10")));
    }
}
