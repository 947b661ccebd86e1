package knock.client.profile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.config.ConfigException;
import knock.config.SecretFile;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.TimeDerivedSteps;

/**
 * What a profile says about a host's time-derived knock ({@code SecretFile}, {@code PortRange},
 * {@code Protocols}, {@code Period}): the server's {@code [sequence NAME]} of the same keys, whose ports change
 * every period (docs/time-derived.md). The secret is read only when the knock is needed ({@link #steps}), after
 * the cheaper checks, and refused when its group or others may read it, as ssh refuses such a key.
 *
 * @param secretFile the file as the profile writes it: absolute, {@code ~/...}, or relative to the profile file
 * @param where      the profile's {@code file:line} of {@code SecretFile}, for messages
 * @param profile    the profile file's path as messages name it, whose directory a relative path is in
 */
public record TimeDerivedProfile(String secretFile, String where, String profile, PortRange range,
                                 List<Protocol> protocols, Duration period) {

    public TimeDerivedProfile {
        protocols = List.copyOf(protocols);
    }

    /** The secret file, {@code ~} expanded to {@code home} (may be {@code null}: then {@code ~} is an error). */
    public Path file(String home) {
        if (secretFile.equals("~") || secretFile.startsWith("~/")) {
            if (home == null || home.isEmpty()) {
                throw new ConfigException(where, "SecretFile " + secretFile + ": HOME is not set "
                        + "(expected: an absolute path)");
            }
            return Path.of(home, secretFile.substring(1).replaceFirst("^/", ""));
        }
        Path path = Path.of(secretFile);
        if (path.isAbsolute()) {
            return path;
        }
        Path dir = Path.of(profile).toAbsolutePath().getParent();
        return dir == null ? path : dir.resolve(path);
    }

    /**
     * Reads the secret and returns the rule of the host's knock.
     *
     * @throws ConfigException naming {@code where}: a missing, unreadable, too open or short secret
     */
    public TimeDerivedSteps steps(String home) {
        byte[] secret = SecretFile.read(file(home), where, "SecretFile");
        try {
            return new TimeDerivedSteps(secret, range, protocols, period);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where, "SecretFile " + secretFile + ": " + e.getMessage());
        }
    }
}
