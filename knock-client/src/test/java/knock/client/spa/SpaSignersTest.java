package knock.client.spa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import knock.client.ClientException;
import knock.KnockException;
import knock.testnet.JavaCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SpaSigners#open}'s policy and every signer, against keys made by the real ssh-keygen and a real
 * ssh-agent of the test's own. Signatures are checked with bouncycastle against the public key in the
 * {@code .pub} file ssh-keygen wrote, not against anything the signer says about itself.
 */
class SpaSignersTest {

    private static final byte[] DATA = "knock spa request 198.18.0.2".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private Path home;
    private Path ssh;

    @BeforeEach
    void makeHome() throws IOException {
        OpenSsh.require();
        home = dir.resolve("home");
        ssh = Files.createDirectories(home.resolve(".ssh"));
    }

    private SpaSigner open(Path file, String agent, PassphraseSource passphrases) {
        return SpaSigners.open(file, agent, home, passphrases, TIMEOUT);
    }

    private String error(Path file, String agent, PassphraseSource passphrases) {
        ClientException e = assertThrows(ClientException.class, () -> open(file, agent, passphrases).sign(DATA));
        assertEquals(e.getMessage(), e.getMessage().lines().findFirst().orElseThrow(), "one line");
        return e.getMessage();
    }

    private static void assertSigns(Path keyFile, SpaSigner signer) throws IOException {
        byte[] expected = OpenSsh.publicKey(keyFile);
        assertArrayEquals(expected, signer.publicKey(), "public key differs from " + keyFile + ".pub");
        byte[] signature = signer.sign(DATA);
        assertEquals(64, signature.length, "raw Ed25519 signature length");
        assertTrue(OpenSsh.verifies(expected, DATA, signature),
                signer.describe() + ": signature does not verify against " + keyFile + ".pub");
    }

    /** Fails the test if a passphrase is asked for. */
    private static final PassphraseSource NEVER_ASKED = new PassphraseSource() {
        @Override
        public boolean canAsk() {
            throw new AssertionError("asked whether a terminal exists, though no passphrase should be needed");
        }

        @Override
        public char[] ask(String prompt) {
            throw new AssertionError("asked for a passphrase: " + prompt);
        }
    };

    // ---- key files

    @Test
    void theDefaultUnencryptedKeyFileSigns() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        SpaSigner signer = open(null, null, NEVER_ASKED);
        assertEquals("key file ~/.ssh/id_ed25519", signer.describe());
        assertSigns(key, signer);
    }

    @Test
    void aNamedKeyFileSignsAndTildeMeansHome() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("knock"), "ed25519", "");
        assertSigns(key, open(Path.of("~/.ssh/knock"), null, NEVER_ASKED));
        assertSigns(key, open(key, null, NEVER_ASKED));
    }

    @Test
    void anEncryptedKeyFileSignsWithItsPassphrase() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "correct horse");
        OpenSsh.Script terminal = OpenSsh.Script.answering("correct horse");
        SpaSigner signer = open(null, null, terminal);
        assertEquals(List.of("Enter passphrase for key '~/.ssh/id_ed25519': "), terminal.prompts);
        assertSigns(key, signer);
    }

    @Test
    void aNonAsciiPassphraseIsTakenAsUtf8AsSshKeygenTakesIt() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("k"), "ed25519", "grüße-€");
        assertSigns(key, open(key, null, OpenSsh.Script.answering("grüße-€")));
    }

    @Test
    void moreBcryptRoundsThanTheDefaultStillDecrypt() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("k"), "ed25519", "pass", "-a", "32");
        assertSigns(key, open(key, null, OpenSsh.Script.answering("pass")));
    }

    @Test
    void aWrongPassphraseIsAskedAgainAsSshDoes() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("k"), "ed25519", "pass");
        OpenSsh.Script terminal = OpenSsh.Script.answering("typo", "pass");
        assertSigns(key, open(key, null, terminal));
        assertEquals(2, terminal.prompts.size(), "prompts: " + terminal.prompts);
        assertEquals("Wrong passphrase, try again for '~/.ssh/k': ", terminal.prompts.get(1));
    }

    @Test
    void threeWrongPassphrasesAreOneLine() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "pass");
        OpenSsh.Script terminal = OpenSsh.Script.answering("a", "b", "c", "pass");
        assertEquals("wrong passphrase for ~/.ssh/id_ed25519", error(null, null, terminal));
        assertEquals(3, terminal.prompts.size(), "prompts: " + terminal.prompts);
    }

    @Test
    void endOfInputAtThePromptIsOneLine() throws IOException {
        OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "pass");
        assertEquals("no passphrase for ~/.ssh/id_ed25519", error(null, null, OpenSsh.Script.answering()));
    }

    @Test
    void anEncryptedKeyFileWithoutATerminalSaysToAddItToTheAgent() throws Exception {
        OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "pass");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            assertEquals("~/.ssh/id_ed25519 is encrypted and there is no terminal to ask for its passphrase: add it"
                    + " to ssh-agent (ssh-add ~/.ssh/id_ed25519)",
                    error(null, agent.socket.toString(), OpenSsh.Script.noTerminal()));
        }
        assertEquals("~/.ssh/id_ed25519 is encrypted and there is no terminal to ask for its passphrase: add it"
                + " to ssh-agent (ssh-add ~/.ssh/id_ed25519); no ssh-agent (SSH_AUTH_SOCK is not set)",
                error(null, null, OpenSsh.Script.noTerminal()));
        Path gone = dir.resolve("gone.sock");
        String line = error(null, gone.toString(), OpenSsh.Script.noTerminal());
        assertTrue(line.startsWith("~/.ssh/id_ed25519 is encrypted and there is no terminal to ask for its"
                + " passphrase: add it to ssh-agent (ssh-add ~/.ssh/id_ed25519); ssh-agent at " + gone
                + " unreachable ("), line);
    }

    // ---- wrong keys and files

    @Test
    void anRsaKeyIsRefusedWithTheFix() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_rsa"), "rsa", "", "-b", "2048");
        assertEquals("~/.ssh/id_rsa is an RSA key (ssh-rsa); SPA needs an Ed25519 key (make one with ssh-keygen"
                + " -t ed25519)", error(key, null, NEVER_ASKED));
    }

    @Test
    void anEncryptedEcdsaKeyIsRefusedBeforeAnyoneIsAsked() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ecdsa"), "ecdsa", "pass");
        assertEquals("~/.ssh/id_ecdsa is an ECDSA key (ecdsa-sha2-nistp256); SPA needs an Ed25519 key (make one"
                + " with ssh-keygen -t ed25519)", error(key, null, NEVER_ASKED));
    }

    @Test
    void aPemRsaKeyIsRefusedWithTheFix() throws IOException {
        Path key = OpenSsh.keygen(dir.resolve("legacy"), "rsa", "", "-b", "2048", "-m", "PEM");
        assertEquals(key + " is an RSA key (PEM); SPA needs an Ed25519 key (make one with ssh-keygen -t ed25519)",
                error(key, null, NEVER_ASKED));
    }

    @Test
    void anUnreadableKeyFileIsOneLine() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        Files.setPosixFilePermissions(key, Set.of());
        String expected = "cannot read ~/.ssh/id_ed25519: permission denied";
        if (!"root".equals(System.getProperty("user.name"))) {
            assertEquals(expected, error(null, null, NEVER_ASKED));
            return;
        }
        OpenSsh.require("setpriv");
        // root reads every file: a JVM of its own without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH sees the mode
        List<String> command = new ArrayList<>(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search"));
        command.addAll(JavaCommand.of(List.of("-Duser.home=" + home), OpenSignerMain.class.getName()));
        assertEquals(expected, OpenSsh.run(Map.of(), command).strip());
    }

    @Test
    void aMissingNamedFileIsOneLine() {
        assertEquals("identity file ~/.ssh/nope not found", error(Path.of("~/.ssh/nope"), null, NEVER_ASKED));
    }

    @Test
    void noDefaultFileAndNoAgentKeyIsOneLine() throws Exception {
        assertEquals("no Ed25519 key: ~/.ssh/id_ed25519 not found, and no ssh-agent (SSH_AUTH_SOCK is not set);"
                + " make one with ssh-keygen -t ed25519", error(null, null, NEVER_ASKED));
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(OpenSsh.keygen(dir.resolve("rsa"), "rsa", "", "-b", "2048"));
            assertEquals("no Ed25519 key: ~/.ssh/id_ed25519 not found, and ssh-agent holds no Ed25519 key; make one"
                    + " with ssh-keygen -t ed25519", error(null, agent.socket.toString(), NEVER_ASKED));
        }
    }

    @Test
    void aTruncatedKeyFileIsMalformed() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("k"), "ed25519", "");
        List<String> lines = Files.readAllLines(key);
        // keep BEGIN, the first base64 line and END: the private section is cut off
        Files.write(key, List.of(lines.getFirst(), lines.get(1), lines.getLast()));
        String line = error(key, null, NEVER_ASKED);
        assertTrue(line.startsWith("~/.ssh/k: malformed OpenSSH key file (truncated"), line);
    }

    @Test
    void aFileThatIsNoKeyIsOneLine() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "my keys are elsewhere\nreally\n");
        assertEquals(notes + " is not an OpenSSH key file (expected: -----BEGIN OPENSSH PRIVATE KEY----- or an"
                + " ssh-ed25519 public key line, as ssh-keygen writes)", error(notes, null, NEVER_ASKED));
        assertEquals(dir + " is a directory, not a key file", error(dir, null, NEVER_ASKED));
    }

    // ---- the agent

    @Test
    void theAgentSignsWhenItHoldsTheFilesKeyAndNoPassphraseIsAsked() throws Exception {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "pass");
        Path clear = OpenSsh.keygen(dir.resolve("clear"), "ed25519", "");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(clear); // another key first: the agent signer must pick the file's key, not the first one
            // the agent needs the passphrase once, as a user would type it to ssh-add; a copy without one
            Path copy = dir.resolve("copy");
            Files.copy(key, copy);
            OpenSsh.run(Map.of(), List.of("ssh-keygen", "-q", "-p", "-P", "pass", "-N", "", "-f",
                    copy.toString()));
            agent.add(copy);
            SpaSigner signer = open(null, agent.socket.toString(), NEVER_ASKED);
            assertInstanceOf(AgentSigner.class, signer, signer.describe());
            assertEquals("ssh-agent key " + OpenSsh.fingerprint(key) + " (test-ed25519)", signer.describe());
            assertSigns(key, signer);
        }
    }

    @Test
    void theAgentAndTheFileMakeTheSameSignature() throws Exception {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(key);
            byte[] byAgent = open(null, agent.socket.toString(), NEVER_ASKED).sign(DATA);
            byte[] byFile = open(null, null, NEVER_ASKED).sign(DATA);
            assertArrayEquals(byFile, byAgent, "Ed25519 is deterministic: agent and file must agree");
        }
    }

    @Test
    void withoutTheDefaultFileTheAgentsFirstEd25519KeySigns() throws Exception {
        Path rsa = OpenSsh.keygen(dir.resolve("rsa"), "rsa", "", "-b", "2048");
        Path first = OpenSsh.keygen(dir.resolve("first"), "ed25519", "");
        Path second = OpenSsh.keygen(dir.resolve("second"), "ed25519", "");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(rsa);
            agent.add(first);
            agent.add(second);
            SpaSigner signer = open(null, agent.socket.toString(), NEVER_ASKED);
            assertEquals("ssh-agent key " + OpenSsh.fingerprint(first) + " (test-ed25519)", signer.describe());
            assertSigns(first, signer);
        }
    }

    @Test
    void aPublicKeyFileSignsThroughTheAgentThatHoldsIt() throws Exception {
        Path key = OpenSsh.keygen(dir.resolve("k"), "ed25519", "");
        Path pub = dir.resolve("k.pub");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(key);
            Files.delete(key); // only k.pub is left, as with a key that lives in the agent alone
            assertSigns(key, open(key, agent.socket.toString(), NEVER_ASKED));
            assertSigns(key, open(pub, agent.socket.toString(), NEVER_ASKED));
        }
        assertEquals(pub + " is a public key, and no ssh-agent (SSH_AUTH_SOCK is not set): add the private key to"
                + " ssh-agent (ssh-add " + key + ")", error(pub, null, NEVER_ASKED));
    }

    @Test
    void aStaleAgentSocketFallsBackToAnUnencryptedFile() throws IOException {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        SpaSigner signer = open(null, dir.resolve("stale.sock").toString(), NEVER_ASKED);
        assertInstanceOf(FileSigner.class, signer, signer.describe());
        assertSigns(key, signer);
    }

    @Test
    void anUnreachableAgentIsOneLineWhenOnlyTheAgentCouldSign() throws Exception {
        Path gone = dir.resolve("gone.sock");
        String line = error(null, gone.toString(), NEVER_ASKED);
        assertTrue(line.startsWith("no Ed25519 key: ~/.ssh/id_ed25519 not found, and ssh-agent at " + gone
                + " unreachable ("), line);

        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        SpaSigner signer;
        Path socket;
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(key);
            signer = open(null, agent.socket.toString(), NEVER_ASKED);
            socket = agent.socket;
        }
        // the agent died between choosing it and signing
        ClientException e = assertThrows(ClientException.class, () -> signer.sign(DATA));
        assertTrue(e.getMessage().startsWith("ssh-agent at " + socket + " unreachable ("), e.getMessage());
        assertEquals(KnockException.FAILURE, e.exitCode());
    }

    @Test
    void aDestinationConstrainedKeyIsRefusedByTheAgentWithTheFix() throws Exception {
        Path key = OpenSsh.keygen(ssh.resolve("id_ed25519"), "ed25519", "");
        Path hostKey = OpenSsh.keygen(dir.resolve("hostkey"), "ed25519", "");
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "fw " + String.join(" ",
                List.of(Files.readString(dir.resolve("hostkey.pub")).split(" ")).subList(0, 2)) + "\n");
        try (OpenSsh.Agent agent = new OpenSsh.Agent(dir)) {
            agent.add(key, "-h", "fw", "-H", knownHosts.toString());
            SpaSigner signer = open(null, agent.socket.toString(), NEVER_ASKED);
            ClientException e = assertThrows(ClientException.class, () -> signer.sign(DATA));
            assertEquals("ssh-agent refused to sign with ssh-agent key " + OpenSsh.fingerprint(key)
                    + " (test-ed25519): a key added with destination constraints (ssh-add -h) signs only ssh logins;"
                    + " add it without -h (ssh-add ~/.ssh/id_ed25519) or give knock a key of its own"
                    + " (IdentityFile)", e.getMessage());
            assertEquals(KnockException.USAGE, e.exitCode());
            // and the advice works: added again without -h, the same key signs
            agent.add(key);
            assertSigns(key, open(null, agent.socket.toString(), NEVER_ASKED));
        }
        assertTrue(Files.exists(hostKey));
    }
}
