/**
 * Where the signed single-packet knock (SPA) gets its signature: {@link knock.client.spa.SpaSigners#open}
 * picks the user's OpenSSH Ed25519 key from ssh-agent when the agent holds it ({@code AgentSigner}, the private
 * key never leaves the agent) and otherwise from the key file ({@code FileSigner}; an encrypted file is
 * decrypted with bcrypt_pbkdf and AES-CTR after asking a {@link knock.client.spa.PassphraseSource}). The agent
 * is spoken to over its UNIX socket with plain {@code java.nio} and a deadline on every exchange, so a dead
 * agent cannot hang the client; the crypto is bouncycastle's lightweight API, not a JCA provider, to keep the
 * client's start-up short. Every bad key, file or agent answer ends as one {@link knock.client.ClientException}
 * line.
 */
package knock.client.spa;
