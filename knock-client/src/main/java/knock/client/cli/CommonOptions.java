package knock.client.cli;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import knock.client.profile.ProfileFile;
import picocli.CommandLine.Option;

/**
 * The options {@code knock} and {@code knock proxy} share: the profile file, the address family, verbosity.
 * It also holds the environment the profile file is found through ({@code XDG_CONFIG_HOME}, {@code HOME}) and
 * the wall clock a time-derived knock follows: {@link KnockMain} hands them in through picocli's factory, so
 * tests run with an environment and a clock of their own.
 */
final class CommonOptions {

    @Option(names = "-F", paramLabel = "FILE",
            description = "Profile file (default: $XDG_CONFIG_HOME/knock/config, else ~/.config/knock/config).")
    Path file;

    @Option(names = "-4", description = "IPv4 only: resolve, knock and connect over IPv4.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only: resolve, knock and connect over IPv6.")
    boolean ipv6;

    @Option(names = {"-v", "--verbose"}, description = "Show each knock (on stderr).")
    boolean verbose;

    private final Map<String, String> env;
    private final InstantSource clock;

    CommonOptions(Map<String, String> env) {
        this(env, InstantSource.system());
    }

    /** @param clock the wall clock a time-derived knock takes its time step from */
    CommonOptions(Map<String, String> env, InstantSource clock) {
        this.env = env;
        this.clock = clock;
    }

    /**
     * Takes what was given before the subcommand ({@code knock -F FILE proxy HOST PORT}) where this command's
     * own options say nothing, so an option is never silently dropped for its place on the line.
     */
    CommonOptions inheriting(CommonOptions outer) {
        if (outer != null && outer != this) {
            file = file != null ? file : outer.file;
            ipv4 |= outer.ipv4;
            ipv6 |= outer.ipv6;
            verbose |= outer.verbose;
        }
        return this;
    }

    /** The wall clock, in Unix milliseconds: a time-derived knock's time step comes from it. */
    long unixMillis() {
        return clock.millis();
    }

    /** The home directory ({@code HOME}) that {@code ~/} in a profile stands for, or {@code null}. */
    String home() {
        return env.get("HOME");
    }

    /** The profile file: {@code -F FILE} (must exist), else the XDG location (may be absent). */
    ProfileFile profileFile() {
        if (file != null) {
            return ProfileFile.read(file, file.toString(), true);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base;
        if (xdg != null && xdg.startsWith("/")) {
            base = Path.of(xdg);
        } else if (env.get("HOME") != null && !env.get("HOME").isEmpty()) {
            base = Path.of(env.get("HOME"), ".config");
        } else {
            return ProfileFile.none("(no profile file: HOME unset)");
        }
        Path config = base.resolve("knock").resolve("config");
        return ProfileFile.read(config, config.toString(), false);
    }
}
