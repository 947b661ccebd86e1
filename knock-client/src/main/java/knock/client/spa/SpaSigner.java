package knock.client.spa;

import knock.client.ClientException;

/**
 * Signs SPA requests with one Ed25519 key, wherever the key lives; the private key never leaves an agent.
 * Made by {@link SpaSigners#open}, which picks the key and where it lives.
 */
public interface SpaSigner {

    /** The raw 32-byte Ed25519 public key. */
    byte[] publicKey();

    /**
     * The raw 64-byte Ed25519 signature over {@code data} (exactly what ssh-agent's sign request returns
     * inside its "ssh-ed25519" signature blob, flags 0).
     *
     * @throws ClientException with one line when the agent is gone, times out or refuses
     */
    byte[] sign(byte[] data) throws ClientException;

    /** For messages: e.g. "ssh-agent key SHA256:... (comment)" or "key file ~/.ssh/id_ed25519". */
    String describe();
}
