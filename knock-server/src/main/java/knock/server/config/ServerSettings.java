package knock.server.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import knock.sequence.PortRange;
import knock.sequence.Protocol;
import knock.sequence.Sequence;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;

/**
 * Every key of the server's config, declared once with type, name and default. {@code [server]} keys tune the
 * daemon; {@code [sequence NAME]} keys describe one knock sequence and the port it guards.
 */
public final class ServerSettings {

    private ServerSettings() {
    }

    // [server]

    /** Interfaces to watch for knocks; empty means all, including ones that appear later. */
    public static final Setting<List<String>> INTERFACES = Setting.names("interfaces", List.of(),
            Pattern.compile("[A-Za-z0-9_.@:-]{1,15}"), "interface names such as eth0, or nothing for all");
    /**
     * Cap of the tracked-source table; beyond it the oldest source is evicted. A flood fills it, so it must fit
     * the heap: about 110 bytes per source (progress and admissions) plus 9 per further sequence, 107 MB at
     * the default (measured with the tracker's {@code memoryBytes()} after a million one-step admissions). The upper bound keeps (sources x sequences) within an array's int index.
     */
    public static final Setting<Integer> MAX_SOURCES = Setting.integer("max-sources", 1_000_000, 16, 10_000_000);
    /** A repeat of the step just taken within this time (a SYN retransmit) is not a break. */
    public static final Setting<Duration> DUPLICATE_GRACE =
            Setting.duration("duplicate-grace", Duration.ofSeconds(2), Duration.ZERO);
    /** The local control socket that {@code knock-server status} talks to. */
    public static final Setting<String> CONTROL_SOCKET = Setting.word("control-socket",
            "/run/knock-server/control.sock", Pattern.compile("/\\S{1,100}"), "an absolute path");
    /** The lowest level logged. */
    public static final Setting<String> LOG_LEVEL = Setting.word("log-level", "info",
            Pattern.compile("debug|info|warning|error"), "debug, info, warning or error");

    /** The nfnetlink_log group the daemon-mode ruleset's NFLOG rules send knocks to, and the daemon binds. */
    public static final Setting<Integer> NFLOG_GROUP = Setting.integer("nflog-group", 56625, 1, 65535);

    // [server], signed knocks (read only when a sequence has a spa-port)

    /** The server's X25519 private key, one base64 line ({@code knock-server keygen} writes it), mode 0600. */
    public static final Setting<String> SPA_KEY = Setting.word("spa-key", "/etc/knock/spa.key",
            Pattern.compile("/\\S{1,200}"), "an absolute path");
    /** Who may knock: OpenSSH Ed25519 public keys in authorized_keys format, with knock's options. */
    public static final Setting<String> AUTHORIZED_KEYS = Setting.word("authorized-keys",
            "/etc/knock/authorized_keys", Pattern.compile("/\\S{1,200}"), "an absolute path");
    /** How far a signed knock's timestamp may be from the server's clock, either way. */
    public static final Setting<Duration> SPA_MAX_AGE =
            Setting.duration("spa-max-age", Duration.ofSeconds(30), Duration.ofSeconds(1));
    /**
     * Signed knocks remembered so that none is taken twice (each for twice spa-max-age). When all are live, new
     * signed knocks are refused and counted rather than an entry forgotten early.
     */
    public static final Setting<Integer> SPA_REPLAY_ENTRIES =
            Setting.integer("spa-replay-entries", 100_000, 1_000, 10_000_000);
    /**
     * Datagrams per second that may reach public-key work (key agreement and signature check) after passing the
     * gate MAC; beyond it they are dropped and counted, so a flood costs bounded CPU.
     */
    public static final Setting<Integer> SPA_WORK = Setting.integer("spa-work", 2_000, 10, 1_000_000);

    public static final List<Setting<?>> SERVER = List.of(INTERFACES, MAX_SOURCES, DUPLICATE_GRACE, CONTROL_SOCKET,
            LOG_LEVEL, NFLOG_GROUP, SPA_KEY, AUTHORIZED_KEYS, SPA_MAX_AGE, SPA_REPLAY_ENTRIES, SPA_WORK);

    /** Largest spa-max-age: a wider window only lengthens what a replay cache must hold. */
    public static final Duration MAX_SPA_MAX_AGE = Duration.ofMinutes(10);

    // [sequence NAME]

    /**
     * Most {@code [sequence NAME]} sections in one config. Each costs per-source state in the daemon's tables
     * ({@link #MAX_SOURCES} x sequences stays within an array index) and a chain with lists per family in the
     * ruleset; a box guards a few services, not hundreds.
     */
    public static final int MAX_SEQUENCES = 64;
    /**
     * Largest ICMP echo payload of a step: 1280 (IPv6's minimum MTU, which every IPv6 link carries whole) - 40
     * (IPv6 header) - 8 (ICMPv6 header). A larger echo may arrive in fragments: both modes see it reassembled
     * in INPUT, but a knock that must be fragmented is one a middlebox may drop.
     */
    public static final int MAX_ICMP_PAYLOAD = 1232;

    /** The knock: ordered steps, e.g. {@code 7000/tcp 8000/udp icmp/173}. Required, unless spa-port or the time-derived keys are set. */
    public static final Setting<List<Step>> STEPS = Setting.steps("steps", Sequence.MAX_STEPS, MAX_ICMP_PAYLOAD);
    /** The box's addresses that take knocks; a knock port hit on any other address of the box is a scan. */
    public static final Setting<List<InetAddress>> KNOCK_ADDRESS = Setting.addresses("knock-address", null);
    /** The longest pause between two steps. */
    public static final Setting<Duration> STEP_TIMEOUT =
            Setting.duration("step-timeout", Duration.ofSeconds(10), Duration.ofSeconds(1));
    /** The port the sequence opens. */
    public static final Setting<Integer> GUARD_PORT = Setting.integer("guard-port", 22, 1, 65535);
    /** The addresses the guarded service listens on; empty means every address of the box. */
    public static final Setting<List<InetAddress>> GUARD_ADDRESS = Setting.addresses("guard-address", List.of());
    /** The xt_recent list for IPv4 sources. */
    public static final Setting<String> LIST4 = Setting.listName("list4", "ssh4");
    /** The xt_recent list for IPv6 sources. */
    public static final Setting<String> LIST6 = Setting.listName("list6", "ssh6");
    /** How long an admitted source may open new connections. */
    public static final Setting<Duration> WINDOW =
            Setting.duration("window", Duration.ofSeconds(90), Duration.ofSeconds(1));
    /** Concurrent connections per source to the guarded port (the recipe's connlimit); 0 for no limit. */
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("max-connections", 4, 0, 1000);
    /** Ports within this distance of a knock port (excluding it) are a scan; 0 turns the check off. */
    public static final Setting<Integer> SCAN_ADJACENT = Setting.integer("scan-adjacent", 1, 0, 100);
    /** Whether a knock port hit on another address of the box is a scan. */
    public static final Setting<Boolean> SCAN_OTHER_ADDRESS = Setting.bool("scan-other-address", true);
    /** A completed sequence repeated within this time hides the port again; 0 turns the check off. */
    public static final Setting<Duration> HOLD_OFF =
            Setting.duration("hold-off", Duration.ofMinutes(5), Duration.ZERO);
    /** Sources always let in, knock or not. */
    public static final Setting<List<Cidr>> ALLOW = Setting.networks("allow");

    /**
     * Instead of steps: the UDP port that takes one signed datagram (SPA) per knock, signed with a key of
     * {@link #AUTHORIZED_KEYS}. No scan guard or hold-off applies: nothing about it can be guessed or replayed.
     */
    public static final Setting<Integer> SPA_PORT = Setting.integer("spa-port", 0, 1, 65535);

    // [sequence NAME], time-derived: these instead of steps (docs/time-derived.md)

    /** The file holding the shared secret, base32, mode 600; a relative path is the config file's directory's. */
    public static final Setting<String> SECRET_FILE = Setting.word("secret-file", null, Pattern.compile(".{1,4096}"),
            "a file holding the secret in base32, mode 600");
    /** The ports a time-derived knock is drawn from. */
    public static final Setting<PortRange> PORT_RANGE = Setting.portRange("port-range");
    /** The protocol of each step of a time-derived knock, and so how many steps it has. */
    public static final Setting<List<Protocol>> PROTOCOLS = Setting.protocols("protocols");
    /** How long one time step's knock is the current one (the previous one is taken too). */
    public static final Setting<Duration> PERIOD =
            Setting.duration("period", TimeDerivedSteps.DEFAULT_PERIOD, TimeDerivedSteps.MIN_PERIOD,
                    TimeDerivedSteps.MAX_PERIOD);
    /** The keys of a time-derived sequence; any of them makes the sequence one. */
    public static final List<Setting<?>> TIME_DERIVED = List.of(SECRET_FILE, PORT_RANGE, PROTOCOLS, PERIOD);

    public static final List<Setting<?>> SEQUENCE = List.of(STEPS, SPA_PORT, KNOCK_ADDRESS, STEP_TIMEOUT, GUARD_PORT,
            GUARD_ADDRESS, LIST4, LIST6, WINDOW, MAX_CONNECTIONS, SCAN_ADJACENT, SCAN_OTHER_ADDRESS, HOLD_OFF, ALLOW,
            SECRET_FILE, PORT_RANGE, PROTOCOLS, PERIOD);
}
