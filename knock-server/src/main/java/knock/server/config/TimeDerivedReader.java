package knock.server.config;

import static knock.server.config.ServerSettings.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.config.ConfigException;
import knock.config.SecretFile;
import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.TimeDerivedSteps;

/**
 * Reads the keys of a time-derived {@code [sequence NAME]} ({@code secret-file}, {@code port-range},
 * {@code protocols}, {@code period}) and checks them against the rest of the section: a sequence has either
 * {@code steps} or these, its scan neighbourhood stays within the spacing of its ports, and its range (with that
 * neighbourhood) keeps away from the guarded port. The secret file is read here, so {@code check} and a reload
 * find a missing or too open one, and blame the {@code secret-file} line.
 */
final class TimeDerivedReader {

    private static final String EITHER = "either steps, or secret-file, port-range and protocols (time-derived)";

    private TimeDerivedReader() {
    }

    /**
     * The section's time-derived steps, or {@code null} when it has none of their keys (fixed steps then).
     *
     * @throws ConfigException naming the line to blame
     */
    static TimeDerivedSteps read(Values v, List<ConfigWarning> warnings) {
        Setting<?> first = null;
        for (Setting<?> key : TIME_DERIVED) {
            if (v.has(key) && (first == null || v.line(key) < v.line(first))) {
                first = key;
            }
        }
        if (first == null) {
            if (!v.has(STEPS)) {
                throw new ConfigException(v.where(STEPS), v.title() + " has no 'steps' (expected: " + EITHER + ")");
            }
            return null;
        }
        if (v.has(STEPS)) {
            Setting<?> later = v.line(STEPS) > v.line(first) ? STEPS : first;
            throw new ConfigException(v.where(later), v.title() + " has both steps and " + first.key()
                    + " (expected: " + EITHER + ")");
        }
        List<Protocol> protocols = v.get(PROTOCOLS);
        PortRange range = v.get(PORT_RANGE);
        checked(v, PORT_RANGE, "", () -> TimeDerivedSteps.checkRange(range, protocols.size()));
        Duration period = v.get(PERIOD);
        checked(v, PERIOD, "", () -> TimeDerivedSteps.checkPeriod(period));
        int adjacent = v.get(SCAN_ADJACENT);
        if (adjacent > TimeDerivedSteps.SPACING) {
            throw new ConfigException(v.where(SCAN_ADJACENT), "scan-adjacent " + adjacent + " with time-derived "
                    + "ports (expected: 0-" + TimeDerivedSteps.SPACING + ": the ports of one time step lie more than "
                    + TimeDerivedSteps.SPACING + " apart)");
        }
        int guardPort = v.get(GUARD_PORT);
        if (protocols.contains(Protocol.TCP) && range.near(guardPort, adjacent)) {
            throw new ConfigException(v.where(PORT_RANGE), "port-range " + range + " with tcp steps is within "
                    + "scan-adjacent " + adjacent + " of guard-port " + guardPort + " (expected: knock ports away "
                    + "from the guarded port)");
        }
        for (Protocol protocol : protocols.stream().distinct().toList()) {
            String everyday = EverydayTraffic.warning(protocol, range, adjacent);
            if (everyday != null) {
                warnings.add(new ConfigWarning(v.where(PORT_RANGE), everyday));
            }
        }
        Path file = Path.of(v.get(SECRET_FILE));
        if (!file.isAbsolute()) {
            Path config = Path.of(v.file()).toAbsolutePath().getParent();
            file = config == null ? file : config.resolve(file);
        }
        byte[] secret = SecretFile.read(file, v.where(SECRET_FILE), SECRET_FILE.key());
        checked(v, SECRET_FILE, "secret-file " + file + ": ", () -> TimeDerivedSteps.checkSecret(secret));
        return new TimeDerivedSteps(secret, range, protocols, period);
    }

    /** Runs a check of the value of {@code setting}, blaming its line. */
    private static void checked(Values v, Setting<?> setting, String prefix, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.where(setting), prefix + e.getMessage());
        }
    }
}
