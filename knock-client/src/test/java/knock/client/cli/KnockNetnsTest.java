package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import knock.server.cli.ServerMain;
import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.ExecResult;
import knock.testnet.Host;
import knock.testnet.HostProcess;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code knock} against a real firewall in namespaces (knock.testnet): the kernel-only ruleset that
 * {@code knock-server rules --mode kernel} prints, a real sshd on fw's SSH addresses with a throwaway host key
 * and user key, and the real OpenSSH client in the client namespace, with {@code knock} on its PATH.
 *
 * <p>The knock-then-ssh and ad hoc scenarios run against both the kernel-only ruleset and the daemon
 * (daemon-mode ruleset, the real knock-server in fw); the proxy runs against the daemon.
 */
@NetnsTest
class KnockNetnsTest {

    /** The knock every profile here uses: all three kinds of step. */
    private static final String SEQUENCE = "7000/tcp 8000/udp icmp/64";
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path bin;
    private SshFixture fixture;

    @BeforeEach
    void knockOnThePath() throws IOException {
        fixture = new SshFixture(dir);
        bin = fixture.bin;
        Path profile = Files.createDirectories(dir.resolve("xdg/knock")).resolve("config");
        Files.writeString(profile, """
                # the firewall of knock.testnet, by name and by address (ssh's %%h is the HostName)
                Host fw 198.18.0.11
                    HostName 198.18.0.11
                    KnockAddress 198.18.0.1
                Host fw6 fd6b:6e6f:636b::11
                    HostName fd6b:6e6f:636b::11
                    KnockAddress fd6b:6e6f:636b::1
                Host wrong
                    HostName 198.18.0.11
                    KnockAddress 198.18.0.1
                    Sequence 7001/udp
                Host *
                    Sequence %s
                """.formatted(SEQUENCE));
    }

    /**
     * A fresh network whose fw guards {@code sections} (server config text): with the kernel-only ruleset, or
     * with the daemon-mode ruleset and the real knock-server running in fw.
     */
    private TestNetwork firewall(String sections, Mode mode) throws IOException {
        TestNetwork net = TestNetwork.create();
        try {
            Path file = dir.resolve("knock-server.conf");
            Files.writeString(file, "[server]\ncontrol-socket = " + dir.resolve("control.sock") + "\n\n" + sections);
            var config = ServerConfigReader.read(file);
            net.fw().loadRules(4, Ruleset.render(config, 4, mode));
            net.fw().loadRules(6, Ruleset.render(config, 6, mode));
            if (mode == Mode.DAEMON) {
                HostProcess daemon = net.fw().startJava(List.of(), ServerMain.class.getName(), "--config",
                        file.toString());
                assertTrue(TestNetwork.eventually(Duration.ofSeconds(20),
                                () -> daemon.output().contains("<6>start ") || !daemon.isAlive()) && daemon.isAlive(),
                        "knock-server did not start in fw:\n" + daemon.output());
            }
            return net;
        } catch (RuntimeException | IOException e) {
            net.close();
            throw e;
        }
    }

    /** The kernel-only firewall, for the tests that are about the client alone. */
    private TestNetwork firewall(String sections) throws IOException {
        return firewall(sections, Mode.KERNEL);
    }

    private static String sequence(String name, String steps, int guardPort) {
        return """
                [sequence %s]
                steps = %s
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-port = %d
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                list4 = %s4
                list6 = %s6
                hold-off = 0
                """.formatted(name, steps, guardPort, name, name);
    }

    /** Runs a shell line in the client namespace with knock on the PATH and the test profile in XDG_CONFIG_HOME. */
    private ExecResult client(TestNetwork net, String shell) {
        return net.client().exec(SSH_TIMEOUT, "env", "PATH=" + bin + ":/usr/bin:/bin:/usr/sbin:/sbin",
                "XDG_CONFIG_HOME=" + dir.resolve("xdg"), "HOME=" + dir, "sh", "-c", shell);
    }

    // ---- ssh

    private Path sshConfig;

    /** Starts sshd in fw on both SSH addresses and writes the client's ssh config (see {@link SshFixture}). */
    private HostProcess sshd(TestNetwork net) throws IOException {
        HostProcess process = fixture.sshd(net);
        sshConfig = fixture.sshConfig;
        return process;
    }

    private String ssh(String options) {
        return fixture.ssh(options);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sshTimesOutWithoutTheKnockAndSucceedsAfterIt(Mode mode) throws IOException {
        try (TestNetwork net = firewall(sequence("ssh", SEQUENCE, 22), mode)) {
            HostProcess sshd = sshd(net);
            for (String host : List.of("fw", "fw6")) {
                ExecResult hidden = client(net, ssh(host + " true"));
                assertEquals(255, hidden.exitCode(), "ssh " + host + " got in without a knock: " + hidden);
                assertTrue(hidden.stderr().contains("timed out"), "ssh " + host + " should time out: " + hidden.stderr());

                ExecResult in = client(net, "knock " + host + " && " + ssh(host + " true"));
                assertEquals(0, in.exitCode(), "knock " + host + " && ssh " + host + " true: " + in + "\nsshd: " + sshd.output());
                assertEquals("", in.stderr(), "knock is quiet by default");
            }
        }
    }

    /**
     * A daily user with the default hold-off (5 m): ssh, scp, ssh again and knock && ssh within seconds, each
     * knocking again, through ProxyCommand; every one gets in because each admission was used (a connection
     * ends the hold-off), in both modes and both families.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void sshThenScpThenSshAgainAllGetInWithTheDefaultHoldOff(Mode mode) throws IOException {
        String defaultHoldOff = sequence("ssh", SEQUENCE, 22).replace("hold-off = 0\n", "");
        try (TestNetwork net = firewall(defaultHoldOff, mode)) {
            HostProcess sshd = sshd(net);
            Path notes = Files.writeString(dir.resolve("notes.txt"), "knock knock\n");
            String proxy = "-o 'ProxyCommand=knock proxy %h %p' ";
            for (String host : List.of("fw", "fw6")) {
                String copy = "/tmp/knock-notes-" + host + "-" + ProcessHandle.current().pid();
                List<String> uses = List.of(
                        ssh(proxy + host + " true"),
                        "scp -q -F " + sshConfig + " " + proxy + notes + " " + host + ":" + copy,
                        ssh(proxy + host + " cat " + copy),
                        "knock --wait=5s " + host + " && " + ssh(host + " rm " + copy));
                for (String use : uses) {
                    ExecResult r = client(net, use);
                    assertEquals(0, r.exitCode(), mode + " " + use + ": " + r + "\nsshd: " + sshd.output());
                    if (use.contains(" cat ")) {
                        assertEquals("knock knock", r.stdout().strip(), "what scp copied to " + host);
                    }
                }
            }
        }
    }

    @Test
    void proxyCommandKnocksConnectsAndCarriesTenMegabytesIntact() throws IOException {
        try (TestNetwork net = firewall(sequence("ssh", SEQUENCE, 22), Mode.DAEMON)) {
            HostProcess sshd = sshd(net);
            Path data = dir.resolve("10MB");
            byte[] bytes = new byte[10 << 20];
            new Random(7).nextBytes(bytes);
            Files.write(data, bytes);
            String sum = client(net, "sha256sum < " + data).stdout().strip();
            for (String host : List.of("fw", "fw6")) {
                String proxy = ssh("-o 'ProxyCommand=knock proxy %h %p' " + host);
                ExecResult in = client(net, proxy + " true");
                assertEquals(0, in.exitCode(), "ssh with knock proxy to " + host + ": " + in + "\nsshd: " + sshd.output());

                ExecResult up = client(net, proxy + " sha256sum < " + data);
                assertEquals(0, up.exitCode(), up.toString());
                assertEquals(sum, up.stdout().strip(), "10 MB through the proxy to " + host + " changed on the way");
                ExecResult down = client(net, proxy + " cat " + data + " | sha256sum");
                assertEquals(0, down.exitCode(), down.toString());
                assertEquals(sum, down.stdout().strip(), "10 MB through the proxy from " + host + " changed on the way");
            }
        }
    }

    @Test
    void proxyWithFdpassHandsTheSocketToSsh() throws IOException {
        try (TestNetwork net = firewall(sequence("ssh", SEQUENCE, 22))) {
            HostProcess sshd = sshd(net);
            Path data = dir.resolve("1MB");
            byte[] bytes = new byte[1 << 20];
            new Random(8).nextBytes(bytes);
            Files.write(data, bytes);
            String sum = client(net, "sha256sum < " + data).stdout().strip();
            for (String host : List.of("fw", "fw6")) {
                String proxy = ssh("-o 'ProxyCommand=knock proxy --fdpass %h %p' -o ProxyUseFdpass=yes " + host);
                ExecResult in = client(net, proxy + " sha256sum < " + data);
                assertEquals(0, in.exitCode(), "ssh with knock proxy --fdpass to " + host + ": " + in + "\nsshd: " + sshd.output());
                assertEquals(sum, in.stdout().strip(), "data over the passed socket to " + host + " changed");
            }
        }
    }

    // ---- ad hoc knocks, no ssh needed: a listener on each guarded port

    @ParameterizedTest
    @EnumSource(Mode.class)
    void adHocTcpUdpAndIcmpKnocksOpenThePortOverIpv4AndIpv6(Mode mode) throws IOException {
        String config = sequence("t", "7000/tcp", 2201) + sequence("u", "8000/udp", 2202) + sequence("i", "icmp/64", 2203);
        try (TestNetwork net = firewall(config, mode)) {
            record Case(String knockAddress, String guardAddress, String step, int port) {
            }
            List<Case> cases = new ArrayList<>();
            for (String[] family : new String[][] {{TestNetwork.KNOCK4, TestNetwork.SSH4}, {TestNetwork.KNOCK6, TestNetwork.SSH6}}) {
                cases.add(new Case(family[0], family[1], "7000", 2201)); // a bare port is TCP, as in knockd
                cases.add(new Case(family[0], family[1], "8000:udp", 2202)); // knockd's form
                cases.add(new Case(family[0], family[1], "icmp/64", 2203));
            }
            for (Case c : cases) {
                net.fw().listen(c.guardAddress(), c.port());
            }
            Host client = net.client();
            for (Case c : cases) {
                String what = "knock " + c.knockAddress() + " " + c.step();
                assertEquals(Reach.HIDDEN, client.tcp(c.guardAddress(), c.port(), Duration.ofMillis(300)),
                        c.guardAddress() + " port " + c.port() + " open before " + what);
                ExecResult r = client(net, "knock -v " + c.knockAddress() + " " + c.step());
                assertEquals(0, r.exitCode(), what + ": " + r);
                assertTrue(TestNetwork.eventually(Duration.ofSeconds(2),
                                () -> client.tcp(c.guardAddress(), c.port(), Duration.ofMillis(300)) == Reach.OPEN),
                        c.guardAddress() + " port " + c.port() + " still hidden after " + what + " (" + r.stderr().strip() + ")");
            }
        }
    }

    @Test
    void waitSucceedsWhenThePortOpensAndFailsCleanlyWhenItDoesNot() throws IOException {
        try (TestNetwork net = firewall(sequence("ssh", SEQUENCE, 22))) {
            net.fw().listen(TestNetwork.SSH4, 22);
            ExecResult wrong = client(net, "knock --wait=2s wrong");
            assertEquals(1, wrong.exitCode(), "a wrong sequence opens nothing: " + wrong);
            assertEquals("knock: port 22 on 198.18.0.11 not open after 2s (last attempt: timed out)\n", wrong.stderr());
            ExecResult right = client(net, "knock --wait=5s fw");
            assertEquals(0, right.exitCode(), "knock --wait fw: " + right);
            assertEquals("", right.stderr());
            assertEquals(Reach.OPEN, net.client().tcp(TestNetwork.SSH4, 22, Duration.ofMillis(300)));
        }
    }

    // ---- bad input that only a network shows

    @Test
    void anUnreachableNetworkIsOneLineAndExitOne() throws IOException {
        try (TestNetwork net = firewall(sequence("ssh", SEQUENCE, 22))) {
            for (String[] c : new String[][] {
                    {"knock 203.0.113.1 7000/udp", "knock: cannot knock 7000/udp to 203.0.113.1: network unreachable"},
                    {"knock 203.0.113.1 7000", "knock: cannot knock 7000/tcp to 203.0.113.1: network unreachable"},
                    {"knock 203.0.113.1 icmp", "knock: cannot knock icmp/56 to 203.0.113.1: network unreachable"},
                    {"knock 2001:db8::1 8000/udp", "knock: cannot knock 8000/udp to 2001:db8::1: network unreachable"},
                    {"knock proxy -F /dev/null 203.0.113.1 22 < /dev/null", "knock: cannot connect to 203.0.113.1:22: network unreachable"},
            }) {
                ExecResult r = client(net, c[0]);
                assertEquals(1, r.exitCode(), c[0] + ": " + r);
                assertEquals(c[1] + "\n", r.stderr(), c[0]);
                assertEquals("", r.stdout(), c[0]);
            }
        }
    }
}
