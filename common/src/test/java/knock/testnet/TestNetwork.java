package knock.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The test hosts of DESIGN.md, built in network namespaces of their own, so a test can load a real ruleset
 * into a real firewall and knock at it from a real client.
 *
 * <pre>
 *   kn&lt;pid&gt;x&lt;n&gt;-fw               kn&lt;pid&gt;x&lt;n&gt;-client          kn&lt;pid&gt;x&lt;n&gt;-scanner
 *   eth0 198.18.0.1/24   knock     eth0 198.18.0.2/24           eth0 198.18.0.3/24
 *        198.18.0.11/24  ssh            fd6b:6e6f:636b::2/64         fd6b:6e6f:636b::3/64
 *        fd6b:6e6f:636b::1/64  knock
 *        fd6b:6e6f:636b::11/64 ssh
 *          |                              |                                |
 *          | veth                         | veth                           | veth
 *          |                              |                                |
 *   +------+- fw ---------------- br0 ----+- client ---------------------+- scanner -+
 *   |  kn&lt;pid&gt;x&lt;n&gt;-sw: the bridge alone (no addresses, IPv6 off, no multicast        |
 *   |  snooping; net.bridge.bridge-nf-call-iptables/ip6tables/arptables = 0)         |
 *   +--------------------------------------------------------------------------------+
 * </pre>
 *
 * <p>One L2 segment, so the scanner sees what the client sees. The bridge lives in its own namespace with
 * {@code net.bridge.bridge-nf-call-iptables/ip6tables/arptables=0}: br_netfilter is built in here and would
 * otherwise run bridged frames through that namespace's iptables and drop malformed IPv4 before the fw sees
 * it. IPv6 addresses are {@code nodad} and DAD is off, so the first packet goes out at once.
 *
 * <p>Names carry the creating PID and a per-JVM counter, so fixtures in one JVM or in JVMs side by side never
 * collide; addresses repeat across fixtures, safely, since every host has a namespace of its own. On
 * creation, namespaces {@code kn<pid>x...} left by JVMs that are gone (crashed, killed) are deleted. {@link
 * #close()} (or, failing that, a shutdown hook) stops what the hosts started, by PID, and deletes the
 * namespaces. Interface names are fixed ({@code eth0}, the role on the bridge), well under 15 characters.
 *
 * <p>Use from a test ({@code @NetnsTest} skips for a normal user and fails under {@code CI=true}):
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.create()) {
 *     net.fw().listen(TestNetwork.SSH4, 22);
 *     net.fw().loadRules(4, ruleset);
 *     assertEquals(Reach.HIDDEN, net.client().tcp(TestNetwork.SSH4, 22, Duration.ofMillis(300)));
 * }
 * }</pre>
 */
public final class TestNetwork implements AutoCloseable {
    /** fw's knock address. */
    public static final String KNOCK4 = "198.18.0.1";
    /** fw's SSH address. */
    public static final String SSH4 = "198.18.0.11";
    /** client's address. */
    public static final String CLIENT4 = "198.18.0.2";
    /** scanner's address. */
    public static final String SCANNER4 = "198.18.0.3";
    /** fw's IPv6 knock address. */
    public static final String KNOCK6 = "fd6b:6e6f:636b::1";
    /** fw's IPv6 SSH address. */
    public static final String SSH6 = "fd6b:6e6f:636b::11";
    /** client's IPv6 address. */
    public static final String CLIENT6 = "fd6b:6e6f:636b::2";
    /** scanner's IPv6 address. */
    public static final String SCANNER6 = "fd6b:6e6f:636b::3";

    private static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Pattern OURS = Pattern.compile("kn(\\d+)x(\\d+)-[a-z]+");
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Prefixes this JVM made, recorded before their namespaces exist: everything else with our PID is stale. */
    private static final Set<String> MINE = ConcurrentHashMap.newKeySet();
    private static final Set<TestNetwork> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static final int MAX_NAME_TRIES = 10;

    private final String prefix;
    private final Requirements.Tools tools;
    private final List<Host> hosts = new ArrayList<>();
    private Host fw;
    private Host client;
    private Host scanner;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestNetwork(String prefix, Requirements.Tools tools) {
        this.prefix = prefix;
        this.tools = tools;
    }

    /**
     * Builds fw, client and scanner on one bridge. Throws, naming what is missing, when this is not root or
     * the tools are absent; on any failure tears down what it built.
     */
    public static TestNetwork create() {
        Requirements.Tools tools = Requirements.tools();
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(
                    Thread.ofPlatform().name("testnet-teardown").unstarted(TestNetwork::closeAll));
        }
        removeStale(tools);
        TestNetwork net = new TestNetwork(freshPrefix(), tools);
        LIVE.add(net);
        try {
            net.build();
            return net;
        } catch (RuntimeException | Error e) {
            try {
                net.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The firewall: knock and SSH addresses of both families. */
    public Host fw() {
        return fw;
    }

    /** The legitimate client. */
    public Host client() {
        return client;
    }

    /** The stranger who scans and floods. */
    public Host scanner() {
        return scanner;
    }

    /** fw, client, scanner. */
    public List<Host> hosts() {
        return List.of(fw, client, scanner);
    }

    /** Every namespace of this network, the bridge's included: what teardown deletes. */
    public List<String> namespaces() {
        return Stream.of("sw", "fw", "client", "scanner").map(role -> prefix + "-" + role).toList();
    }

    /**
     * Polls {@code condition} every 10 ms until it holds or {@code timeout} passes; returns whether it held.
     * For what the kernel or a daemon does a moment after the packet: {@code assertTrue(TestNetwork.eventually(
     * Duration.ofSeconds(1), () -> fw.readList("ssh4").contains(CLIENT4)), "...")}.
     */
    public static boolean eventually(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Joins {@code a} and {@code b} with a second wire of their own: a veth pair named {@code dev} on both ends, up,
     * no addresses (add them with {@code ip addr} if a test needs them), e.g. fw's second interface for a spoofed
     * frame that fails the reverse-path check. Gone with the namespaces at teardown.
     */
    public void link(Host a, Host b, String dev) {
        ipBatch(tools, List.of(), List.of("link add " + dev + " netns " + a.name() + " type veth peer name " + dev
                + " netns " + b.name()));
        ipBatch(tools, List.of("-n", a.name()), List.of("link set " + dev + " up"));
        ipBatch(tools, List.of("-n", b.name()), List.of("link set " + dev + " up"));
    }

    private static String freshPrefix() {
        for (int tries = 0; tries < MAX_NAME_TRIES; tries++) {
            String candidate = "kn" + PID + "x" + COUNTER.getAndIncrement();
            MINE.add(candidate);
            boolean taken = Stream.of("sw", "fw", "client", "scanner")
                    .anyMatch(role -> Files.exists(NETNS_DIR.resolve(candidate + "-" + role)));
            if (!taken) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free namespace name kn" + PID + "x* after " + MAX_NAME_TRIES
                + " tries: is another PID namespace sharing " + NETNS_DIR + "?");
    }

    /** Deletes namespaces named by a JVM that is gone: another PID no longer alive, or our PID before us. */
    private static void removeStale(Requirements.Tools tools) {
        if (!Files.isDirectory(NETNS_DIR)) {
            return;
        }
        List<String> stale;
        try (Stream<Path> entries = Files.list(NETNS_DIR)) {
            stale = entries.map(p -> p.getFileName().toString()).filter(TestNetwork::isStale).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + NETNS_DIR, e);
        }
        if (!stale.isEmpty()) {
            // -force: go on past a name another cleaner deleted first.
            ipBatch(tools, List.of("-force"), stale.stream().map(n -> "netns del " + n).toList());
        }
    }

    private static boolean isStale(String netns) {
        Matcher m = OURS.matcher(netns);
        if (!m.matches()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        if (pid == PID) {
            return !MINE.contains("kn" + m.group(1) + "x" + m.group(2));
        }
        return ProcessHandle.of(pid).isEmpty();
    }

    private void build() {
        List<String> names = namespaces();
        String sw = names.get(0);
        ipBatch(tools, List.of(), names.stream().map(n -> "netns add " + n).toList());

        try (NetnsThread bridgeThread = new NetnsThread(sw)) {
            bridgeThread.call(() -> {
                // The switch has no address of its own: no router solicitations or MLD reports from it.
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf/default/disable_ipv6"), "1");
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6"), "1");
                for (String family : List.of("iptables", "ip6tables", "arptables")) {
                    Path knob = Path.of("/proc/sys/net/bridge/bridge-nf-call-" + family);
                    // Absent when br_netfilter is not loaded, and then bridged frames skip iptables anyway.
                    if (Files.exists(knob)) {
                        Files.writeString(knob, "0");
                    }
                }
                return null;
            });
        }
        fw = new Host(names.get(1), "fw", List.of(KNOCK4, SSH4), List.of(KNOCK6, SSH6), tools);
        hosts.add(fw);
        client = new Host(names.get(2), "client", List.of(CLIENT4), List.of(CLIENT6), tools);
        hosts.add(client);
        scanner = new Host(names.get(3), "scanner", List.of(SCANNER4), List.of(SCANNER6), tools);
        hosts.add(scanner);
        for (Host host : hosts) {
            host.call(() -> {
                disableDad();
                // Nobody routes here: router solicitations would only be noise in packet captures.
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf/default/router_solicitations"), "0");
                // Per-destination ICMP limits (100 ms for ICMPv6 here) would turn a REJECT into HIDDEN at
                // random when tests probe back to back.
                Files.writeString(Path.of("/proc/sys/net/ipv6/icmp/ratelimit"), "0");
                Files.writeString(Path.of("/proc/sys/net/ipv4/icmp_ratelimit"), "0");
                return null;
            });
        }

        ipBatch(tools, List.of(), hosts.stream()
                .map(h -> "link add eth0 netns " + h.name() + " address " + mac(h) + " type veth peer name "
                        + h.role() + " netns " + sw)
                .toList());
        List<String> bridge = new ArrayList<>(List.of(
                "link add br0 type bridge mcast_snooping 0",
                "link set br0 up"));
        for (Host host : hosts) {
            bridge.add("link set " + host.role() + " master br0");
            bridge.add("link set " + host.role() + " up");
        }
        ipBatch(tools, List.of("-n", sw), bridge);
        for (Host host : hosts) {
            List<String> setup = new ArrayList<>(List.of("link set lo up"));
            for (String address : host.addresses()) {
                setup.add(address.contains(":")
                        ? "addr add " + address + "/64 dev eth0 nodad"
                        : "addr add " + address + "/24 dev eth0");
            }
            setup.add("link set eth0 up");
            // Neighbours fixed in advance: no ARP or ND to wait for, so the first probe answers like the rest.
            for (Host other : hosts) {
                if (other != host) {
                    for (String address : other.addresses()) {
                        setup.add("neigh replace " + address + " lladdr " + mac(other) + " dev eth0 nud permanent");
                    }
                }
            }
            ipBatch(tools, List.of("-n", host.name()), setup);
        }
    }

    /** Locally administered, one per role: 02:6b:6e:00:00:01 for fw, then client, scanner. */
    private String mac(Host host) {
        return "02:6b:6e:00:00:0" + (hosts.indexOf(host) + 1);
    }

    /** DAD off before the interfaces exist: "default" is what a new interface inherits. */
    private static void disableDad() throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf/all/accept_dad"), "0");
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf/default/accept_dad"), "0");
    }

    /** Runs {@code ip [options] -batch -} with {@code commands} on stdin: one fork for many changes. */
    private static void ipBatch(Requirements.Tools tools, List<String> options, List<String> commands) {
        List<String> cmd = new ArrayList<>(List.of(tools.ip()));
        cmd.addAll(options);
        cmd.addAll(List.of("-batch", "-"));
        byte[] input = (String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8);
        ExecResult result = Commands.run(cmd, cmd, input, Duration.ofSeconds(10));
        if (!result.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip() + "\ncommands:\n  " + String.join("\n  ", commands));
        }
    }

    /**
     * Stops everything the hosts started (processes by PID, sockets), then deletes the namespaces;
     * idempotent. Throws at the end if any step failed, after trying them all.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Throwable> errors = new ArrayList<>();
        for (Host host : hosts) {
            host.close(errors);
        }
        List<String> existing = namespaces().stream().filter(n -> Files.exists(NETNS_DIR.resolve(n))).toList();
        if (!existing.isEmpty()) {
            try {
                ipBatch(tools, List.of("-force"), existing.stream().map(n -> "netns del " + n).toList());
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        LIVE.remove(this);
        if (!errors.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("teardown of " + prefix + " incomplete");
            errors.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static void closeAll() {
        for (TestNetwork net : List.copyOf(LIVE)) {
            try {
                net.close();
            } catch (RuntimeException e) {
                System.err.println("testnet: " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "TestNetwork(" + prefix + ")";
    }
}
