/**
 * The {@code knock} client: sends a host's knock sequence (from an ssh_config-like profile or given on the
 * command line), waits for the guarded port, and serves as an ssh {@code ProxyCommand}. Its failures are
 * {@link knock.client.ClientException}s that carry the exit code; sub-packages split the work as
 * {@code cli} (commands), {@code profile} (the profile file), {@code send} (the knocks, plain and signed), {@code spa} (the key that signs: ssh-agent or a key file), {@code proxy}
 * (wait, relay, fd passing) and {@code net} (the few Linux socket calls Java has no API for).
 */
package knock.client;
