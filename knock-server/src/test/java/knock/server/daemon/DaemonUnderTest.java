package knock.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import knock.server.cli.ServerMain;
import knock.server.track.Outcome;
import knock.testnet.ExecResult;
import knock.testnet.Host;
import knock.testnet.HostProcess;
import knock.testnet.JavaCommand;
import knock.testnet.TestNetwork;

/**
 * The real knock-server, as its own JVM inside fw ({@code ip netns exec}), with a config file and control
 * socket of the test's own: started, asked for status, signalled and read like an admin would.
 */
final class DaemonUnderTest {

    private static final Duration START = Duration.ofSeconds(20);
    /** How long a verdict may take to show in the log: far more than the microseconds it takes. */
    private static final Duration VERDICT = Duration.ofSeconds(3);

    final Host fw;
    final Path config;
    final Path socket;
    private HostProcess process;
    private int mark;
    /** Where in the output the next {@link #awaitVerdict} looks: past the verdicts awaited before. */
    private int verdictsRead;

    /** Lines added to the [server] section, e.g. spa-key. */
    private final String server;

    DaemonUnderTest(Host fw, Path dir, String sequences) {
        this(fw, dir, "", sequences);
    }

    DaemonUnderTest(Host fw, Path dir, String server, String sequences) {
        this.fw = fw;
        this.config = dir.resolve("knock-server.conf");
        this.socket = dir.resolve("control.sock");
        this.server = server;
        writeConfig(sequences);
    }

    /** Writes the config: a [server] section of the test's own, then the given sequence sections. */
    void writeConfig(String sequences) {
        try {
            Files.writeString(config, "[server]\ncontrol-socket = " + socket + "\nlog-level = debug\n" + server
                    + "\n" + sequences);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the daemon and waits for its start line; fails with its output if it exits instead. */
    DaemonUnderTest start() {
        process = startRaw();
        boolean started = TestNetwork.eventually(START, () -> output().contains("<6>start ") || !process.isAlive());
        assertTrue(started && process.isAlive(), "knock-server did not start:\n" + output());
        return this;
    }

    /** Starts the daemon without waiting, for tests of start-up failures. */
    HostProcess startRaw(String... prefix) {
        return startRaw(List.of(), prefix);
    }

    /** As {@link #startRaw(String...)}, with JVM options. */
    HostProcess startRaw(List<String> jvmOptions, String... prefix) {
        List<String> java = JavaCommand.of(jvmOptions, ServerMain.class.getName(), "--config", config.toString());
        String[] command = java.toArray(String[]::new);
        if (prefix.length > 0) {
            String[] both = new String[prefix.length + command.length];
            System.arraycopy(prefix, 0, both, 0, prefix.length);
            System.arraycopy(command, 0, both, prefix.length, command.length);
            command = both;
        }
        process = fw.start(command);
        verdictsRead = 0;
        return process;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return process == null ? "" : process.output();
    }

    /** Runs {@code knock-server status} as its own JVM, as an admin would. */
    ExecResult status() {
        List<String> java = JavaCommand.of(List.of(), ServerMain.class.getName(), "status", "--config",
                config.toString());
        return fw.exec(Duration.ofSeconds(20), java.toArray(String[]::new));
    }

    /** {@code knock-server status --socket PATH}: works while the config file is broken. */
    ExecResult statusBySocket() {
        List<String> java = JavaCommand.of(List.of(), ServerMain.class.getName(), "status", "--socket",
                socket.toString());
        return fw.exec(Duration.ofSeconds(20), java.toArray(String[]::new));
    }

    void signal(String name) {
        fw.exec("kill", "-" + name, Long.toString(pid())).orThrow();
    }

    /** SIGTERM and wait; returns the exit status. */
    int stop() {
        return process.stop(Duration.ofSeconds(10));
    }

    /** kill -9: a crash, nothing runs on the way out. */
    void crash() {
        signal("KILL");
        TestNetwork.eventually(Duration.ofSeconds(10), () -> !process.isAlive());
    }

    /** Marks the output so far: {@link #logsAfterMark} looks only at what comes after. */
    void mark() {
        mark = output().length();
    }

    /** Whether the output after the last {@link #mark()} has a line containing {@code text} within the timeout. */
    boolean logsAfterMark(String text, Duration timeout) {
        return TestNetwork.eventually(timeout, () -> output().indexOf(text, mark) >= 0);
    }

    /**
     * Waits for the daemon's own verdict on the next packet from {@code src} to {@code step} ({@code 7000/tcp},
     * {@code 8000/udp}, {@code icmp/64}), its debug line {@code knock src=SRC dst=ADDR STEP outcome=OUTCOME},
     * and fails unless it is {@code expected}. Each call looks past the verdicts awaited before, so the same
     * packet sent twice is awaited twice. A test that asserts something stays hidden calls this first: without
     * it, a daemon that never saw the packet would pass.
     */
    void awaitVerdict(String src, String step, Outcome expected) {
        String verdict = awaitNext(Pattern.compile("knock src=" + Pattern.quote(src) + " dst=\\S+ " + Pattern.quote(step)
                + " outcome=(\\w+)"), "packet from " + src + " to " + step);
        assertEquals(expected.name().toLowerCase(Locale.ROOT), verdict, "the daemon's verdict on " + src + " " + step
                + "\n" + output());
    }

    /**
     * As {@link #awaitVerdict}, for the next datagram from {@code src} to a spa-port: its debug line {@code spa
     * src=SRC dst=ADDR verdict=VERDICT} must come, and say {@code expected}.
     */
    void awaitSpaVerdict(String src, String expected) {
        String verdict = awaitNext(Pattern.compile("spa src=" + Pattern.quote(src) + " dst=\\S+ verdict=([\\w-]+)"),
                "signed knock from " + src);
        assertEquals(expected, verdict, "the daemon's verdict on a signed knock from " + src + "\n" + output());
    }

    /** The verdict (group 1) of the next line matching {@code line} past those awaited before; fails without one. */
    private String awaitNext(Pattern line, String what) {
        Matcher[] found = new Matcher[1];
        TestNetwork.eventually(VERDICT, () -> {
            Matcher m = line.matcher(output());
            found[0] = m.find(verdictsRead) ? m : null;
            return found[0] != null;
        });
        if (found[0] == null) {
            fail("the daemon judged no " + what + " within " + VERDICT.toSeconds() + " s (did it see it at all?):\n"
                    + output());
        }
        verdictsRead = found[0].end();
        return found[0].group(1);
    }

    /** Whether the output gained a line containing {@code text} within the timeout. */
    boolean logs(String text, Duration timeout) {
        return TestNetwork.eventually(timeout, () -> output().contains(text));
    }
}
