package knock.client.spa;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Assumptions;

/**
 * The real OpenSSH tools the signer tests use: {@code ssh-keygen} makes keys, {@code ssh-agent -D} is an agent
 * of the test's own (killed by its PID), {@code ssh-add} loads it. Missing tools skip the test with the reason,
 * except under {@code CI=true}, where they fail it. Every command is bounded in time.
 */
final class OpenSsh {

    private static final long COMMAND_SECONDS = 30;

    private OpenSsh() {
    }

    /** Skips (or, under CI=true, fails) unless ssh-keygen, ssh-agent and ssh-add are on the PATH. */
    static void require() {
        require("ssh-keygen", "ssh-agent", "ssh-add");
    }

    /** Skips (or, under CI=true, fails) unless every tool is on the PATH. */
    static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(tool) == null) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String reason = "the signer tests need " + String.join(", ", missing)
                    + " (apt-get install openssh-client util-linux)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason);
            }
            Assumptions.abort(reason);
        }
    }

    private static Path find(String tool) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path + ":/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Makes a key with {@code ssh-keygen -t TYPE -N PASSPHRASE -C COMMENT -f FILE [extra...]}. */
    static Path keygen(Path file, String type, String passphrase, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase,
                "-C", "test-" + type, "-f", file.toString()));
        command.addAll(List.of(extra));
        run(Map.of(), command);
        return file;
    }

    /** The raw Ed25519 public key in {@code FILE.pub}. */
    static byte[] publicKey(Path privateFile) throws IOException {
        String line = Files.readString(privateFile.resolveSibling(privateFile.getFileName() + ".pub"));
        byte[] blob = Base64.getDecoder().decode(line.split(" ")[1]);
        byte[] key = new byte[32];
        System.arraycopy(blob, blob.length - 32, key, 0, 32);
        return key;
    }

    /** The fingerprint {@code ssh-keygen -l} prints for a key file, e.g. {@code SHA256:abc...}. */
    static String fingerprint(Path file) throws IOException {
        return run(Map.of(), List.of("ssh-keygen", "-l", "-f", file.toString())).split(" ")[1];
    }

    /** True when {@code signature} is a valid Ed25519 signature of {@code data} by {@code publicKey}. */
    static boolean verifies(byte[] publicKey, byte[] data, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(data, 0, data.length);
        return verifier.verifySignature(signature);
    }

    /** Runs a command to its end (bounded), asserts success and returns its stdout. */
    static String run(Map<String, String> env, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + ": still running after " + COMMAND_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0, String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    /** An {@code ssh-agent -D -a SOCKET} of the test's own, stopped by its PID on close. */
    static final class Agent implements AutoCloseable {
        final Path socket;
        private final Process process;

        Agent(Path dir) throws IOException, InterruptedException {
            this.socket = dir.resolve("agent.sock");
            this.process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    fail("ssh-agent did not create " + socket);
                }
                Thread.sleep(10);
            }
        }

        /** {@code ssh-add [options...] KEY} against this agent. */
        void add(Path key, String... options) throws IOException {
            List<String> command = new ArrayList<>(List.of("ssh-add", "-q"));
            command.addAll(List.of(options));
            command.add(key.toString());
            run(Map.of("SSH_AUTH_SOCK", socket.toString()), command);
        }

        /** Stops the agent (our own PID only) and waits for it. */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A passphrase source with a script of answers; records the prompts it was shown. */
    static final class Script implements PassphraseSource {
        private final boolean terminal;
        private final List<String> answers;
        final List<String> prompts = new ArrayList<>();

        private Script(boolean terminal, List<String> answers) {
            this.terminal = terminal;
            this.answers = new ArrayList<>(answers);
        }

        /** A terminal that answers each prompt with the next passphrase, then with end of input. */
        static Script answering(String... passphrases) {
            return new Script(true, List.of(passphrases));
        }

        /** No terminal: nobody can be asked. */
        static Script noTerminal() {
            return new Script(false, List.of());
        }

        @Override
        public boolean canAsk() {
            return terminal;
        }

        @Override
        public char[] ask(String prompt) {
            prompts.add(prompt);
            return answers.isEmpty() ? null : answers.removeFirst().toCharArray();
        }
    }
}
