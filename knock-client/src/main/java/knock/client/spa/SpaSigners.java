package knock.client.spa;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import knock.client.ClientException;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import knock.spa.SshWire;

/**
 * Finds the user's Ed25519 key and how to sign with it, as ssh would: through ssh-agent when the agent holds
 * the key, from the key file otherwise.
 *
 * <ol>
 * <li>The key file is {@code identityFile} (a leading {@code ~/} is the home directory), else
 * {@code ~/.ssh/id_ed25519}. Its public key comes from the file's clear header, or from {@code FILE.pub} when
 * only that exists; a key that is not Ed25519 is refused here, before the agent is asked.
 * <li>If the agent holds that key, the agent signs. An unreachable agent is no error yet: a stale
 * {@code SSH_AUTH_SOCK} is common, and the file may do.
 * <li>Otherwise the file signs: unencrypted at once; encrypted after asking the {@link PassphraseSource}
 * (three tries, as ssh); with nobody to ask, one line saying to add the key to ssh-agent.
 * <li>With no {@code identityFile} and no default file, the agent's first Ed25519 key signs.
 * </ol>
 * Every failure is one {@link ClientException} line: exit 2 for a missing, unreadable, malformed or wrong-type
 * key, a wrong passphrase, or an agent that refuses to sign; exit 1 when the agent cannot be talked to when it
 * is needed.
 */
public final class SpaSigners {

    /** The key file used when none is named. */
    static final String DEFAULT_FILE = ".ssh/id_ed25519";
    /** Passphrase tries, ssh's NumberOfPasswordPrompts default. */
    static final int PASSPHRASE_TRIES = 3;
    /** No key file is this long; the cap keeps a wrong path ({@code /dev/zero}) from eating memory. */
    private static final int MAX_FILE = 64 * 1024;

    private SpaSigners() {
    }

    /**
     * The signer for the key in {@code identityFile} ({@code null}: {@code ~/.ssh/id_ed25519} or the agent's
     * first Ed25519 key), asking the terminal for a passphrase if need be.
     *
     * @param agentSocket the value of {@code SSH_AUTH_SOCK}, or {@code null} (or empty) for no agent
     */
    public static SpaSigner open(Path identityFile, String agentSocket) throws ClientException {
        return open(identityFile, agentSocket, PassphraseSource.console());
    }

    /** As {@link #open(Path, String)}, asking {@code passphrases} for an encrypted file's passphrase. */
    public static SpaSigner open(Path identityFile, String agentSocket, PassphraseSource passphrases)
            throws ClientException {
        return open(identityFile, agentSocket, Path.of(System.getProperty("user.home")), passphrases,
                SshAgent.TIMEOUT);
    }

    /** As {@link #open(Path, String, PassphraseSource)} with the home directory and agent timeout given. */
    static SpaSigner open(Path identityFile, String agentSocket, Path home, PassphraseSource passphrases,
            Duration agentTimeout) throws ClientException {
        Path file = identityFile == null ? home.resolve(DEFAULT_FILE) : expandHome(identityFile, home);
        String shown = shown(file, home);
        Agent agent = new Agent(agentSocket == null || agentSocket.isEmpty() ? null
                : new SshAgent(agentSocket, agentTimeout));
        KeyFile key = read(file, shown);
        String privateShown = shown;
        if (key == null) {
            Path pub = file.resolveSibling(file.getFileName() + ".pub");
            key = read(pub, shown + ".pub");
            if (key == null) {
                if (identityFile != null) {
                    throw ClientException.usage("identity file " + shown + " not found");
                }
                SshAgent.Identity first = agent.firstEd25519();
                if (first == null) {
                    throw ClientException.usage("no Ed25519 key: " + shown + " not found, and "
                            + agent.lacking("no Ed25519 key") + "; make one with ssh-keygen -t ed25519");
                }
                return new AgentSigner(agent.client, first, ed25519Key(first.blob(), shown), null);
            }
            shown += ".pub";
        } else if (shown.endsWith(".pub") && !key.isPrivate()) {
            privateShown = shown.substring(0, shown.length() - ".pub".length());
        }
        byte[] blob = key.publicBlob();
        SshAgent.Identity held = agent.find(blob);
        if (held != null) {
            return new AgentSigner(agent.client, held, ed25519Key(blob, shown), privateShown);
        }
        if (!key.isPrivate()) {
            throw ClientException.usage(shown + " is a public key, and " + agent.lacking("not this key")
                    + ": add the private key to ssh-agent (ssh-add " + privateShown + ")");
        }
        if (!key.encrypted()) {
            return new FileSigner(key.privateKey(), shown);
        }
        return new FileSigner(decrypt(key, shown, passphrases, agent), shown);
    }

    private static Ed25519PrivateKeyParameters decrypt(KeyFile key, String shown, PassphraseSource passphrases,
            Agent agent) throws ClientException {
        if (!passphrases.canAsk()) {
            String why = agent.reachable() ? "" : "; " + agent.lacking("");
            throw ClientException.usage(shown + " is encrypted and there is no terminal to ask for its passphrase:"
                    + " add it to ssh-agent (ssh-add " + shown + ")" + why);
        }
        String prompt = "Enter passphrase for key '" + shown + "': ";
        for (int i = 0; i < PASSPHRASE_TRIES; i++) {
            char[] typed = passphrases.ask(prompt);
            if (typed == null) {
                throw ClientException.usage("no passphrase for " + shown);
            }
            byte[] passphrase = utf8(typed);
            Arrays.fill(typed, '\0');
            try {
                Ed25519PrivateKeyParameters privateKey = key.decrypt(passphrase);
                if (privateKey != null) {
                    return privateKey;
                }
            } finally {
                Arrays.fill(passphrase, (byte) 0);
            }
            prompt = "Wrong passphrase, try again for '" + shown + "': ";
        }
        throw ClientException.usage("wrong passphrase for " + shown);
    }

    /** The file's key, or {@code null} when there is no such file. */
    private static KeyFile read(Path file, String shown) throws ClientException {
        if (Files.isDirectory(file)) {
            throw ClientException.usage(shown + " is a directory, not a key file");
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE + 1);
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw ClientException.usage("cannot read " + shown + ": permission denied");
        } catch (IOException e) {
            throw ClientException.usage("cannot read " + shown + ": " + e.getMessage());
        }
        if (content.length > MAX_FILE) {
            throw ClientException.usage(shown + " is not an OpenSSH key file (more than " + MAX_FILE + " bytes)");
        }
        return KeyFile.parse(content, shown);
    }

    private static byte[] ed25519Key(byte[] blob, String shown) throws ClientException {
        try {
            return KeyBlobs.ed25519Key(blob);
        } catch (SshWire.Malformed e) {
            throw ClientException.usage(shown + ": malformed key (" + e.getMessage() + ")");
        }
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
        return out;
    }

    /** {@code ~/x} as {@code HOME/x}; other paths as they are. */
    static Path expandHome(Path path, Path home) {
        String text = path.toString();
        if (text.equals("~")) {
            return home;
        }
        return text.startsWith("~/") ? home.resolve(text.substring(2)) : path;
    }

    /** The path as messages show it: under the home directory as {@code ~/...}. */
    static String shown(Path file, Path home) {
        Path absolute = file.toAbsolutePath().normalize();
        Path h = home.toAbsolutePath().normalize();
        return absolute.startsWith(h) && !absolute.equals(h) ? "~/" + h.relativize(absolute) : file.toString();
    }

    /** The agent as the policy sees it: asked for its keys at most once, unreachable remembered, not thrown. */
    private static final class Agent {
        final SshAgent client;
        private List<SshAgent.Identity> keys;
        private String unreachable;

        Agent(SshAgent client) {
            this.client = client;
        }

        boolean reachable() {
            return keys() != null;
        }

        SshAgent.Identity find(byte[] blob) {
            List<SshAgent.Identity> list = keys();
            if (list != null) {
                for (SshAgent.Identity id : list) {
                    if (Arrays.equals(id.blob(), blob)) {
                        return id;
                    }
                }
            }
            return null;
        }

        SshAgent.Identity firstEd25519() {
            List<SshAgent.Identity> list = keys();
            if (list != null) {
                for (SshAgent.Identity id : list) {
                    try {
                        KeyBlobs.ed25519Key(id.blob());
                        return id;
                    } catch (SshWire.Malformed notEd25519) {
                        // an RSA, ECDSA, certificate or security key: not for SPA
                    }
                }
            }
            return null;
        }

        /** Why the agent did not help: "ssh-agent holds WHAT", or why there is no agent to ask. */
        String lacking(String what) {
            if (client == null) {
                return "no ssh-agent (SSH_AUTH_SOCK is not set)";
            }
            if (keys() == null) {
                return unreachable;
            }
            return "ssh-agent holds " + what;
        }

        private List<SshAgent.Identity> keys() {
            if (keys == null && unreachable == null && client != null) {
                try {
                    keys = client.identities();
                } catch (ClientException e) {
                    unreachable = e.getMessage();
                }
            }
            return keys;
        }
    }
}
