/**
 * The signed single-packet knock (SPA), as both sides see it on the wire: one UDP datagram that asks the server
 * to admit a source, signed with the user's OpenSSH Ed25519 key and sealed to the server's X25519 key.
 *
 * <p>Layers, outside in ({@link SpaSeal}): a MAC keyed from the server's public key ({@link SpaGate}, WireGuard's
 * mac1 idea), so junk costs the server one keyed hash; an Elligator 2 representative of an ephemeral X25519 key
 * ({@link Elligator}), so the datagram has no constant or structured byte; ChaCha20-Poly1305 under a key from
 * HKDF-SHA256; inside, the request ({@link SpaRequest}, encoded by {@link SpaFormat}) and its Ed25519 signature
 * in a signature domain of its own ({@link SshSig}). docs/spa.md gives the byte layout.
 */
package knock.spa;
