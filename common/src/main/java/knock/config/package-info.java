/**
 * The server's config file: an INI-like text of {@code [server]} and {@code [sequence NAME]} sections with
 * {@code key = value} lines. Every setting is declared once, with its type, name and default, in
 * {@link knock.config.ServerSettings}; {@link knock.config.ServerConfigReader} turns a file into a validated
 * {@link knock.config.ServerConfig} or fails with a {@link knock.config.ConfigException} that names
 * {@code file:line} and what was expected. Every value is bounded so that what the reader accepts, the daemon
 * and the kernel can run; what runs but will probably surprise (steps that everyday traffic sends) is a
 * {@link knock.config.ConfigWarning}.
 */
package knock.config;
