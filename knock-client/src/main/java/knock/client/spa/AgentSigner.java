package knock.client.spa;

import knock.client.ClientException;
import knock.spa.SshWire;

/**
 * Signs through ssh-agent with a key it holds: the private key never leaves the agent. ssh-agent answers a
 * plain FAILURE when it will not sign, with no reason; the usual reason for a key it lists is a destination
 * constraint ({@code ssh-add -h}), which limits the key to ssh logins to the named hosts (ssh-agent.c:
 * "refusing use of destination-constrained key to sign on unbound connection"), so the line says that and
 * what to do.
 */
final class AgentSigner implements SpaSigner {

    private final SshAgent agent;
    private final byte[] blob;
    private final byte[] publicKey;
    private final String description;
    private final String keyFile;

    /**
     * @param keyFile the key's file as shown to the user, for the advice when the agent refuses; {@code null}
     *        when the key came from the agent alone
     */
    AgentSigner(SshAgent agent, SshAgent.Identity identity, byte[] publicKey, String keyFile) {
        this.agent = agent;
        this.blob = identity.blob().clone();
        this.publicKey = publicKey.clone();
        String comment = identity.comment().isEmpty() ? "" : " (" + identity.comment() + ")";
        this.description = "ssh-agent key " + KeyBlobs.fingerprint(blob) + comment;
        this.keyFile = keyFile;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] data) throws ClientException {
        byte[] signature = agent.sign(blob, data);
        if (signature == null) {
            String file = keyFile == null ? "KEYFILE" : keyFile;
            throw ClientException.usage("ssh-agent refused to sign with " + description
                    + ": a key added with destination constraints (ssh-add -h) signs only ssh logins; add it"
                    + " without -h (ssh-add " + file + ") or give knock a key of its own (IdentityFile)");
        }
        try {
            SshWire.Reader in = new SshWire.Reader(signature);
            String type = in.string();
            byte[] raw = in.bytes();
            if (!KeyBlobs.ED25519.equals(type) || raw.length != KeyBlobs.SIGNATURE_LENGTH || in.remaining() != 0) {
                throw new SshWire.Malformed(type + " signature of " + raw.length + " bytes (expected: "
                        + KeyBlobs.ED25519 + ", 64 bytes)");
            }
            return raw;
        } catch (SshWire.Malformed e) {
            throw ClientException.failure("ssh-agent at " + agent.socket() + ": malformed signature ("
                    + e.getMessage() + ")");
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
