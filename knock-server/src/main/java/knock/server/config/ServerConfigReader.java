package knock.server.config;

import static knock.server.config.ServerSettings.*;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import knock.config.ConfigException;
import knock.config.Durations;
import knock.sequence.Protocol;
import knock.sequence.Sequence;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;
import knock.server.config.SequenceConfig.ScanGuard;
import knock.server.config.ServerConfig.Daemon;

/**
 * Reads and checks a server config file. Checks what one key cannot see alone as well: a knock port whose
 * scan neighbourhood covers the guarded port, two steps in a row that are the same, lists of one family named
 * alike. A time-derived sequence's keys are {@link TimeDerivedReader}'s. Every failure is a {@link
 * ConfigException} naming {@code file:line}; steps that everyday traffic sends ({@link EverydayTraffic}) are
 * {@link ServerConfig#warnings() warnings}, not failures.
 */
public final class ServerConfigReader {

    /** Sequence names become iptables chain names ({@code knock-NAME-reset} must fit 28 characters). */
    private static final Pattern SEQUENCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,15}");

    private ServerConfigReader() {
    }

    public static ServerConfig read(Path file) {
        return read(IniFile.read(file), file);
    }

    /** Reads config text, as {@link #read(Path)} does a file; {@code where} names it in messages. */
    public static ServerConfig parse(String where, String text) {
        return read(IniFile.parse(where, text.lines().toList()), Path.of(where));
    }

    private static ServerConfig read(IniFile ini, Path source) {
        Daemon daemon = null;
        Values server = null;
        List<SequenceConfig> sequences = new ArrayList<>();
        List<ConfigWarning> warnings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> listOwners = new HashMap<>();
        for (IniFile.Section section : ini.sections()) {
            String where = ini.where(section.line());
            switch (section.kind()) {
                case "server" -> {
                    if (section.name() != null) {
                        throw new ConfigException(where, "[server " + section.name() + "] (expected: [server])");
                    }
                    if (daemon != null) {
                        throw new ConfigException(where, "[server] repeated (expected: one [server] section)");
                    }
                    server = new Values(ini, section, SERVER);
                    daemon = daemon(server);
                }
                case "sequence" -> {
                    String name = section.name();
                    if (name == null || !SEQUENCE_NAME.matcher(name).matches()) {
                        throw new ConfigException(where, "[sequence " + (name == null ? "" : name)
                                + "] (expected: [sequence NAME], NAME of 1-16 lower-case letters, digits or '_', "
                                + "starting with a letter)");
                    }
                    if (!names.add(name)) {
                        throw new ConfigException(where, "sequence '" + name + "' repeated (expected: unique names)");
                    }
                    if (sequences.size() == MAX_SEQUENCES) {
                        throw new ConfigException(where, "[sequence " + name + "] is sequence " + (MAX_SEQUENCES + 1)
                                + " (expected: at most " + MAX_SEQUENCES + " sequences)");
                    }
                    Values values = new Values(ini, section, SEQUENCE);
                    SequenceConfig sequence = sequence(name, values, warnings);
                    for (SequenceConfig other : sequences) {
                        String clash = spaPortClash(sequence, other);
                        if (clash != null) {
                            throw new ConfigException(values.where(sequence.signed() ? SPA_PORT : STEPS), clash);
                        }
                    }
                    for (int family : new int[] {4, 6}) {
                        String owner = listOwners.putIfAbsent(sequence.list(family), name);
                        if (owner != null) {
                            // One list, one owner: the window end of one sequence would take the other's admission.
                            throw new ConfigException(values.where(family == 4 ? LIST4 : LIST6), "list" + family + " '"
                                    + sequence.list(family) + "' is also sequence " + owner + "'s (expected: a list "
                                    + "of its own per sequence)");
                        }
                    }
                    sequences.add(sequence);
                }
                default -> throw new ConfigException(where, "unknown section [" + section.kind()
                        + "] (expected: [server] or [sequence NAME])");
            }
        }
        if (sequences.isEmpty()) {
            throw new ConfigException(ini.where(), "no [sequence NAME] section (expected: at least one)");
        }
        ServerConfig.Spa spa = sequences.stream().anyMatch(SequenceConfig::signed) ? spa(server, sequences) : null;
        return new ServerConfig(source, daemon == null ? Daemon.defaults() : daemon, sequences, warnings, spa);
    }

    /**
     * Why a signed sequence's port cannot be shared with the other sequence, or null: a plain sequence's UDP step
     * (or its scan neighbourhood) there would take every signed knock for a step or a scan.
     */
    private static String spaPortClash(SequenceConfig a, SequenceConfig b) {
        if (a.signed() == b.signed()) {
            return null; // two plain ones are the tracker's business; two signed ones may share a port
        }
        SequenceConfig signed = a.signed() ? a : b;
        SequenceConfig plain = a.signed() ? b : a;
        TimeDerivedSteps derived = plain.sequence().derived();
        if (derived != null && derived.protocols().contains(Protocol.UDP)
                && derived.range().near(signed.spaPort(), plain.scanGuard().adjacent())) {
            return "spa-port " + signed.spaPort() + " of sequence " + signed.name() + " is in or next to port-range "
                    + derived.range() + " of sequence " + plain.name() + " (expected: a port of its own)";
        }
        for (Step step : plain.sequence().steps()) {
            if (step.protocol() == Protocol.UDP
                    && Math.abs(step.value() - signed.spaPort()) <= plain.scanGuard().adjacent()) {
                return "spa-port " + signed.spaPort() + " of sequence " + signed.name() + " is step " + step
                        + " of sequence " + plain.name() + " or its neighbour (expected: a port of its own)";
            }
        }
        return null;
    }

    /** Loads the key files that signed sequences need; a key's {@code sequences=} must name signed sequences. */
    private static ServerConfig.Spa spa(Values server, List<SequenceConfig> sequences) {
        Duration maxAge = server == null ? SPA_MAX_AGE.defaultValue() : server.get(SPA_MAX_AGE);
        if (maxAge.compareTo(MAX_SPA_MAX_AGE) > 0) {
            throw new ConfigException(server.where(SPA_MAX_AGE), "spa-max-age " + Durations.text(maxAge)
                    + " (expected: 1s-" + Durations.text(MAX_SPA_MAX_AGE) + ")");
        }
        byte[] privateKey = SpaKeyFile.read(Path.of(server == null ? SPA_KEY.defaultValue() : server.get(SPA_KEY)));
        List<AuthorizedKey> keys = AuthorizedKeysFile.read(Path.of(server == null ? AUTHORIZED_KEYS.defaultValue()
                : server.get(AUTHORIZED_KEYS)));
        Set<String> signed = new HashSet<>();
        sequences.stream().filter(SequenceConfig::signed).forEach(s -> signed.add(s.name()));
        for (AuthorizedKey key : keys) {
            for (String name : key.sequences()) {
                if (!signed.contains(name)) {
                    throw new ConfigException(key.where(), "sequences names '" + name + "' (expected: a [sequence "
                            + "NAME] with spa-port; signed: " + String.join(", ", signed) + ")");
                }
            }
        }
        return new ServerConfig.Spa(privateKey, keys, maxAge,
                server == null ? SPA_REPLAY_ENTRIES.defaultValue() : server.get(SPA_REPLAY_ENTRIES),
                server == null ? SPA_WORK.defaultValue() : server.get(SPA_WORK));
    }

    private static Daemon daemon(Values v) {
        return new Daemon(v.get(INTERFACES), v.get(MAX_SOURCES), v.get(DUPLICATE_GRACE), v.get(CONTROL_SOCKET),
                v.get(LOG_LEVEL), v.get(NFLOG_GROUP));
    }

    private static SequenceConfig sequence(String name, Values v, List<ConfigWarning> warnings) {
        if (v.has(SPA_PORT)) {
            return signed(name, v);
        }
        TimeDerivedSteps derived = TimeDerivedReader.read(v, warnings);
        List<Step> steps = derived == null ? v.get(STEPS) : List.of();
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).equals(steps.get(i - 1))) {
                throw new ConfigException(v.where(STEPS), "step " + (i + 1) + " " + steps.get(i)
                        + " repeats the step before it (expected: consecutive steps to differ; "
                        + "a repeat is taken for a retransmit)");
            }
        }
        List<InetAddress> knockAddresses = v.get(KNOCK_ADDRESS);
        int guardPort = v.get(GUARD_PORT);
        int adjacent = v.get(SCAN_ADJACENT);
        for (Step step : steps) {
            if (step.protocol() == Protocol.TCP && Math.abs(step.value() - guardPort) <= adjacent) {
                throw new ConfigException(v.where(STEPS), "step " + step + " is within scan-adjacent " + adjacent
                        + " of guard-port " + guardPort + " (expected: knock ports away from the guarded port)");
            }
            String everyday = EverydayTraffic.warning(step, adjacent);
            if (everyday != null) {
                warnings.add(new ConfigWarning(v.where(STEPS), everyday));
            }
        }
        String list4 = v.get(LIST4);
        String list6 = v.get(LIST6);
        if (list4.equals(list6)) {
            throw new ConfigException(v.where(LIST6), "list6 '" + list6 + "' is also list4 (expected: "
                    + "two names; IPv4 and IPv6 lists share one directory, /proc/net/xt_recent)");
        }
        Sequence sequence = new Sequence(name, steps, v.get(STEP_TIMEOUT), derived);
        ScanGuard scan = new ScanGuard(adjacent, v.get(SCAN_OTHER_ADDRESS), v.get(HOLD_OFF));
        return new SequenceConfig(sequence, knockAddresses, guardPort, v.get(GUARD_ADDRESS), list4, list6,
                v.get(WINDOW), v.get(MAX_CONNECTIONS), scan, v.get(ALLOW), 0);
    }

    /**
     * A signed sequence: one datagram to {@code spa-port}, which is also its only step as far as the ruleset is
     * concerned. Keys of the scan guard and of steps do not apply; setting one is an error, not a silent no-op.
     */
    private static SequenceConfig signed(String name, Values v) {
        for (Setting<?> unused : List.of(STEPS, STEP_TIMEOUT, SCAN_ADJACENT, SCAN_OTHER_ADDRESS, HOLD_OFF, SECRET_FILE,
                PORT_RANGE, PROTOCOLS, PERIOD)) {
            if (v.has(unused)) {
                throw new ConfigException(v.where(unused), unused.key() + " in a sequence with spa-port (expected: "
                        + "no " + unused.key() + "; a signed knock is one datagram, which no scan or replay can use)");
            }
        }
        int port = v.get(SPA_PORT);
        String list4 = v.get(LIST4);
        String list6 = v.get(LIST6);
        if (list4.equals(list6)) {
            throw new ConfigException(v.where(LIST6), "list6 '" + list6 + "' is also list4 (expected: two names)");
        }
        Sequence sequence = new Sequence(name, List.of(Step.udp(port)), STEP_TIMEOUT.defaultValue());
        return new SequenceConfig(sequence, v.get(KNOCK_ADDRESS), v.get(GUARD_PORT), v.get(GUARD_ADDRESS), list4,
                list6, v.get(WINDOW), v.get(MAX_CONNECTIONS), new ScanGuard(0, false, Duration.ZERO), v.get(ALLOW),
                port);
    }
}
