package knock.testnet;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.stream.Stream;

import knock.net.NativeException;
import knock.net.TestNetns;

/**
 * One machine of the {@link TestNetwork}: a named network namespace with its addresses, and what a test does
 * there — run commands, load rules, read and write proc files, listen, probe, knock.
 *
 * <p>Sockets (probes, knocks, listeners, connections) are opened by the JVM inside the namespace on a
 * dedicated thread (see {@link #call(Callable)}): no process per probe, no package needed for ICMP.
 * Commands run as {@code ip netns exec NAME ...}. Whatever a host starts or opens it closes at teardown,
 * processes by their PID.
 *
 * <p>Pitfalls: {@code /proc/net} of the JVM is the JVM's own namespace; {@link #readFile(Path)} and
 * {@link #writeFile(Path, String)} map it to the host's. Paths under {@code /sys} are the machine's from
 * the JVM: read those with {@code exec("cat", ...)}, which sees the host's {@code /sys}.
 */
public final class Host {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);
    private static final Path PROC_NET = Path.of("/proc/net");
    private static final Path PROC_SELF_NET = Path.of("/proc/self/net");
    private static final Path PROC_THREAD_NET = Path.of("/proc/thread-self/net");

    private final String name;
    private final String role;
    private final List<String> ipv4;
    private final List<String> ipv6;
    private final Requirements.Tools tools;
    private final NetnsThread thread;
    private final Deque<AutoCloseable> owned = new ConcurrentLinkedDeque<>();
    private volatile Path procNet;

    Host(String name, String role, List<String> ipv4, List<String> ipv6, Requirements.Tools tools) {
        this.name = name;
        this.role = role;
        this.ipv4 = List.copyOf(ipv4);
        this.ipv6 = List.copyOf(ipv6);
        this.tools = tools;
        this.thread = new NetnsThread(name);
    }

    /** The namespace name, as {@code ip netns exec} takes it, e.g. {@code kn4242x0-fw}. */
    public String name() {
        return name;
    }

    /** The part the host plays: {@code fw}, {@code client} or {@code scanner}. */
    public String role() {
        return role;
    }

    /** The first IPv4 address (for fw the knock address). */
    public String ipv4() {
        return ipv4.getFirst();
    }

    /** The first IPv6 address (for fw the knock address), RFC 5952 text. */
    public String ipv6() {
        return ipv6.getFirst();
    }

    /** Every address of the host on the test segment, IPv4 first. */
    public List<String> addresses() {
        return Stream.concat(ipv4.stream(), ipv6.stream()).toList();
    }

    /** The address of the given family (4 or 6): the host's source address towards the others. */
    public String address(int family) {
        return switch (family) {
            case 4 -> ipv4();
            case 6 -> ipv6();
            default -> throw new IllegalArgumentException("family: " + family + " (expected: 4 or 6)");
        };
    }

    // ---- commands

    /** Runs {@code cmd} inside the host and waits up to 10 s for it; see {@link #exec(Duration, String...)}. */
    public ExecResult exec(String... cmd) {
        return exec(EXEC_TIMEOUT, cmd);
    }

    /**
     * Runs {@code cmd} inside the host ({@code ip netns exec NAME cmd...}) and returns its exit code and
     * output. Past {@code timeout} it is killed by its PID and this throws.
     */
    public ExecResult exec(Duration timeout, String... cmd) {
        return Commands.run(inside(cmd), List.of(cmd), new byte[0], timeout);
    }

    /**
     * Starts {@code cmd} inside the host in the background; it is stopped (SIGTERM, then SIGKILL, by PID)
     * when the network closes, or earlier through the returned handle.
     */
    public HostProcess start(String... cmd) {
        try {
            Path log = Files.createTempFile("knock-" + name + "-", ".log");
            Process process = new ProcessBuilder(inside(cmd))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return own(new HostProcess(List.of(cmd), process, log));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd) + " in " + name, e);
        }
    }

    /** Starts a main class of the test's own class path inside the host, as its own JVM (see {@link JavaCommand}). */
    public HostProcess startJava(List<String> jvmOptions, String mainClass, String... args) {
        return start(JavaCommand.of(jvmOptions, mainClass, args).toArray(String[]::new));
    }

    private List<String> inside(String... cmd) {
        List<String> full = new ArrayList<>(List.of(tools.ip(), "netns", "exec", name));
        full.addAll(List.of(cmd));
        return full;
    }

    // ---- rules

    /**
     * Replaces the tables named in {@code ruleset} (iptables-restore text, {@code *filter ... COMMIT}) for
     * {@code family} 4 or 6. On failure throws with the tool's stderr and the numbered ruleset, since
     * iptables-restore names only the line.
     */
    public void loadRules(int family, String ruleset) {
        String tool = switch (family) {
            case 4 -> tools.iptablesRestore();
            case 6 -> tools.ip6tablesRestore();
            default -> throw new IllegalArgumentException("family: " + family + " (expected: 4 or 6)");
        };
        String text = ruleset.endsWith("\n") ? ruleset : ruleset + "\n";
        ExecResult result = Commands.run(inside(tool), List.of(tool), text.getBytes(StandardCharsets.UTF_8),
                EXEC_TIMEOUT);
        if (!result.ok()) {
            StringBuilder numbered = new StringBuilder();
            String[] lines = text.split("\n");
            for (int i = 0; i < lines.length; i++) {
                numbered.append(String.format("%4d  %s%n", i + 1, lines[i]));
            }
            throw new IllegalStateException(Path.of(tool).getFileName() + " in " + name + " failed (exit "
                    + result.exitCode() + "): " + result.stderr().strip() + "\n" + numbered);
        }
    }

    /** Empties the filter table of both families, every policy ACCEPT; xt_recent lists vanish with it. */
    public void clearRules() {
        String open = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
        loadRules(4, open);
        loadRules(6, open);
    }

    // ---- files

    /** Reads a file as the host sees it ({@code /proc/net/...} is the host's); see the class pitfalls. */
    public String readFile(Path path) {
        Path mapped = mapProc(path);
        return call(() -> Files.readString(mapped, StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code text} to a file as the host sees it, in one {@code write(2)}: xt_recent takes one command
     * per open and write ({@code "+198.18.0.2"} adds, {@code "-..."} removes, {@code "/"} flushes).
     */
    public void writeFile(Path path, String text) {
        Path mapped = mapProc(path);
        call(() -> Files.write(mapped, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The addresses on the xt_recent list {@code listName}, RFC 5952 text ({@code fd6b:6e6f:636b::2}, not
     * the kernel's uncompressed form). Throws when the list does not exist: a list lives only while a loaded
     * rule names it.
     */
    public List<String> readList(String listName) {
        Path path = PROC_NET.resolve("xt_recent").resolve(listName);
        String text;
        try {
            text = readFile(path);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new IllegalStateException("no xt_recent list " + listName + " in " + name
                        + " (a list exists only while a loaded rule names it; lists now: " + lists() + ")", e);
            }
            throw e;
        }
        List<String> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            // xt_recent.c recent_seq_show: "src=ADDR ttl: T last_seen: J oldest_pkt: N J, J, ..."
            if (line.startsWith("src=")) {
                int end = line.indexOf(' ');
                entries.add(Addresses.fromKernel(line.substring(4, end < 0 ? line.length() : end)));
            }
        }
        return entries;
    }

    /**
     * The host's {@code /proc/net} as a path any thread of this JVM can use ({@code /proc/PID/task/TID/net} of
     * the host's namespace thread), to point code under test at the host's files without running it on that
     * thread: {@code new RecentList(host.procNet().resolve("xt_recent"), "ssh4")}. Valid until the network
     * closes.
     */
    public Path procNet() {
        Path procNet = this.procNet;
        if (procNet == null) {
            // /proc/thread-self is a link to "PID/task/TID", read on the namespace thread itself.
            Path task = call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self")));
            procNet = Path.of("/proc").resolve(task).resolve("net");
            this.procNet = procNet;
        }
        return procNet;
    }

    private List<String> lists() {
        return call(() -> {
            Path dir = PROC_THREAD_NET.resolve("xt_recent");
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).sorted().toList();
            }
        });
    }

    private static Path mapProc(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.startsWith(PROC_NET)) {
            return PROC_THREAD_NET.resolve(PROC_NET.relativize(absolute));
        }
        if (absolute.startsWith(PROC_SELF_NET)) {
            return PROC_THREAD_NET.resolve(PROC_SELF_NET.relativize(absolute));
        }
        return absolute;
    }

    // ---- sockets

    /**
     * Runs {@code action} on a JVM thread that lives inside the host's namespace, e.g. to open the sockets
     * of a daemon under test there. Sockets opened by NIO ({@code SocketChannel.open()}, ...) stay in this
     * namespace wherever they are used later; close them before the network closes, or the namespace
     * lingers (unnamed) until they are. Bounded by 10 s.
     */
    public <T> T call(Callable<T> action) {
        return thread.call(action);
    }

    /**
     * Starts a TCP echo server on {@code address}:{@code port} inside the host (a wildcard such as
     * {@code "::"} listens on both families); closed at teardown.
     */
    public Listener listen(String address, int port) {
        InetAddress bind = Addresses.parse(address);
        ServerSocketChannel server = call(() -> {
            ServerSocketChannel channel = ServerSocketChannel.open(Addresses.protocolFamily(bind));
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(bind, port), 64);
                return channel;
            } catch (IOException e) {
                channel.close();
                throw new IOException("listen on " + address + " port " + port + " in " + name + ": " + e.getMessage(), e);
            }
        });
        return own(new Listener(server));
    }

    /**
     * Connects to {@code address}:{@code port} and reports how far it got within {@code timeout}: the
     * outside view of a firewall. The socket is closed at once (a FIN if it connected, nothing if not).
     *
     * <p>Done with a socket of our own through FFM, not NIO: it asks for ICMP errors to be queued
     * (IP_RECVERR), without which an ICMPv6 REJECT over veth reads as HIDDEN for the first second (see
     * {@link TestNetns#startConnect}). So a short timeout (300 ms) tells HIDDEN from REJECTED reliably.
     */
    public Reach tcp(String address, int port, Duration timeout) {
        InetAddress remote = Addresses.parse(address);
        int fd = call(() -> TestNetns.startConnect(remote, port));
        try {
            int revents = TestNetns.pollOut(fd, timeout.toMillis());
            if (revents == 0) {
                return Reach.HIDDEN;
            }
            // POLLERR: a hard error (RST, ICMP after the lock) or an ICMP error on the queue.
            if ((revents & (TestNetns.POLLERR | TestNetns.POLLHUP)) != 0 || TestNetns.socketError(fd) != 0) {
                return Reach.REJECTED;
            }
            return Reach.OPEN;
        } catch (NativeException e) {
            throw new IllegalStateException(role + " -> " + address + " port " + port + ": " + e.getMessage(), e);
        } finally {
            TestNetns.close(fd);
        }
    }

    /**
     * Opens a TCP connection to {@code address}:{@code port} and keeps it, e.g. to show that an established
     * connection outlives the knock; throws with the {@link Reach} it ran into when it cannot connect.
     * Closed at teardown if not before.
     *
     * <p>Plain NIO: an ICMP error (REJECT's default) that arrives while connect(2) still holds the socket
     * lock is only a soft error, and over veth it always does, so a REJECT shows here only at the first
     * SYN retransmit, after about a second. Classify with {@link #tcp}; connect where OPEN is expected.
     */
    public Connection connect(String address, int port, Duration timeout) throws IOException {
        try {
            return own(Connection.open(this, new InetSocketAddress(Addresses.parse(address), port), timeout));
        } catch (Connection.Refused e) {
            throw new IOException(role + " -> " + address + " port " + port + ": " + Reach.REJECTED, e);
        } catch (Connection.TimedOut e) {
            throw new IOException(role + " -> " + address + " port " + port + ": " + Reach.HIDDEN + " (no answer within " + timeout + ")", e);
        }
    }

    // ---- crafted frames

    /** This host's MAC address on {@code dev}, e.g. as the destination of frames put on the wire by hand. */
    public byte[] mac(String dev) {
        String text = exec("cat", "/sys/class/net/" + dev + "/address").orThrow().stdout().strip();
        return java.util.HexFormat.ofDelimiter(":").parseHex(text);
    }

    /**
     * Puts crafted packets on {@code dev} to {@code dstMac}, bypassing this host's IP stack: each starts at the IP
     * header ({@link knock.packet.TestPackets#ETH_IPV4}, {@code ETH_IPV6}) or at an 802.1Q tag
     * ({@code ETH_VLAN}, see {@link knock.packet.TestPackets#vlan}). Malformed, fragmented and spoofed packets
     * leave as they are.
     */
    public void sendFrames(String dev, int ethertype, byte[] dstMac, List<byte[]> packets) {
        call(() -> {
            TestNetns.sendFrames(dev, ethertype, dstMac, packets);
            return null;
        });
    }

    /** Sets a sysctl in this host's namespace, e.g. {@code sysctl("net.ipv4.conf.all.rp_filter", "1")}. */
    public void sysctl(String name, String value) {
        Path knob = Path.of("/proc/sys").resolve(name.replace('.', '/'));
        call(() -> Files.writeString(knob, value));
    }

    /** Reads a sysctl of this host's namespace, e.g. {@code net.ipv4.conf.all.accept_source_route}. */
    public String sysctl(String name) {
        Path knob = Path.of("/proc/sys").resolve(name.replace('.', '/'));
        return call(() -> Files.readString(knob).strip());
    }

    // ---- knocks

    /** Sends one empty UDP datagram to {@code destination}:{@code port}. */
    public void knockUdp(String destination, int port) {
        knockUdp(destination, port, new byte[0]);
    }

    /** Sends one UDP datagram with {@code payload} to {@code destination}:{@code port} (a signed knock). */
    public void knockUdp(String destination, int port, byte[] payload) {
        Knocks.udp(this, new InetSocketAddress(Addresses.parse(destination), port), payload);
    }

    /**
     * Sends one TCP SYN to {@code destination}:{@code port} and abandons the connect: the knock port is
     * dropped, so waiting would only hang. connect(2) has put the SYN on the wire before it returns; closing
     * a socket in SYN-SENT sends nothing more.
     */
    public void knockTcpSyn(String destination, int port) {
        Knocks.tcpSyn(this, new InetSocketAddress(Addresses.parse(destination), port));
    }

    /**
     * Sends one ICMP (IPv4) or ICMPv6 echo request with exactly {@code payloadLength} bytes of data after the
     * 8-byte ICMP header, as {@code ping -s} would: an IPv4 packet of 28 + n bytes, an IPv6 one of 48 + n
     * (what {@code -m length} matches). Sent from a raw socket opened through FFM inside the host.
     */
    public void knockIcmp(String destination, int payloadLength) {
        Knocks.icmp(this, Addresses.parse(destination), payloadLength);
    }


    // ---- lifetime

    private <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    /** Stops what the host started (newest first), then its namespace thread; errors are collected. */
    void close(List<Throwable> errors) {
        for (AutoCloseable resource; (resource = owned.poll()) != null; ) {
            try {
                resource.close();
            } catch (Exception | Error e) {
                errors.add(e);
            }
        }
        thread.close();
    }

    @Override
    public String toString() {
        return role + "(" + name + ")";
    }
}
