/**
 * The server's config file: an INI-like text of {@code [server]} and {@code [sequence NAME]} sections with
 * {@code key = value} lines. Every setting is declared once, with its type, name and default, in
 * {@link knock.server.config.ServerSettings}; {@link knock.server.config.ServerConfigReader} turns a file into a
 * validated {@link knock.server.config.ServerConfig} or fails with a {@link knock.config.ConfigException} that
 * names {@code file:line} and what was expected. Every value is bounded so that what the reader accepts, the
 * daemon and the kernel can run; what runs but will probably surprise (steps that everyday traffic sends) is a
 * {@link knock.server.config.ConfigWarning}. Only the server reads it; what the client's profiles share with it
 * (the file reader, durations, the error) lives in {@code knock.config} in common.
 */
package knock.server.config;
