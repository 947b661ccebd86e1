/**
 * What knock's two file formats share, the server's config and the client's profiles: {@link
 * knock.config.TextFile} reads a small UTF-8 file as lines, {@link knock.config.Durations} parses and prints
 * durations, {@link knock.config.SecretFile} reads the shared secret of a time-derived sequence (base32, mode
 * 600), and {@link knock.config.ConfigException} is the one error, naming {@code file:line} and what was
 * expected. The formats themselves live with their readers: {@code knock.server.config} and
 * {@code knock.client.profile}.
 */
package knock.config;
