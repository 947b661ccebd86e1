/**
 * The server's config file: an INI-like text of {@code [server]} and {@code [sequence NAME]} sections with
 * {@code key = value} lines. Every setting is declared once, with its type, name and default, in
 * {@link knock.config.ServerSettings}; {@link knock.config.ServerConfigReader} turns a file into a validated
 * {@link knock.config.ServerConfig} or fails with a {@link knock.config.ConfigException} that names
 * {@code file:line} and what was expected.
 */
package knock.config;
