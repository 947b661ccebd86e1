package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import knock.server.cli.ServerCommandLine;
import knock.server.cli.ServerMain;
import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.ExecResult;
import knock.testnet.HostProcess;
import knock.testnet.NetnsTest;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed knocks end to end: the real {@code knock} client signs with the user's OpenSSH Ed25519 key, from the
 * key file or through a real ssh-agent, and seals to the key {@code knock-server keygen} made; the real daemon
 * in fw admits the source; the real ssh and scp get in, over IPv4 and IPv6, also through ProxyCommand.
 */
@NetnsTest
class SignedKnockNetnsTest {

    @TempDir
    Path dir;

    private SshFixture fixture;
    private String serverKeyLine;
    private HostProcess daemon;
    private HostProcess agent;

    @BeforeEach
    void keys() throws Exception {
        fixture = new SshFixture(dir);
        StringWriter out = new StringWriter();
        int exit = ServerCommandLine.commandLine().setOut(new PrintWriter(out))
                .execute("keygen", "-f", dir.resolve("spa.key").toString());
        assertEquals(0, exit, "knock-server keygen: " + out);
        serverKeyLine = out.toString().lines().filter(l -> l.startsWith("ServerKey ")).findFirst().orElseThrow();
    }

    /** fw with sshd, the daemon-mode ruleset and the daemon, which takes the fixture's user key. */
    private TestNetwork firewall() throws IOException {
        TestNetwork net = TestNetwork.create();
        try {
            HostProcess sshd = fixture.sshd(net);
            Files.copy(fixture.userKey().resolveSibling("id.pub"), dir.resolve("authorized_keys"));
            Path file = Files.writeString(dir.resolve("knock-server.conf"), """
                    [server]
                    control-socket = %s
                    log-level = debug
                    spa-key = %s
                    authorized-keys = %s

                    [sequence ssh]
                    spa-port = 62201
                    knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                    guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                    """.formatted(dir.resolve("control.sock"), dir.resolve("spa.key"), dir.resolve("authorized_keys")));
            var config = ServerConfigReader.read(file);
            net.fw().loadRules(4, Ruleset.render(config, 4, Mode.DAEMON));
            net.fw().loadRules(6, Ruleset.render(config, 6, Mode.DAEMON));
            daemon = net.fw().startJava(List.of(), ServerMain.class.getName(), "--config", file.toString());
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(20),
                            () -> daemon.output().contains("<6>start ") || !daemon.isAlive()) && daemon.isAlive(),
                    "knock-server did not start in fw:\n" + daemon.output() + "\nsshd: " + sshd.output());
            return net;
        } catch (RuntimeException | IOException e) {
            net.close();
            throw e;
        }
    }

    private void profile(String identity) throws IOException {
        Path profile = Files.createDirectories(dir.resolve("xdg/knock")).resolve("config");
        Files.writeString(profile, """
                Host fw 198.18.0.11
                    HostName 198.18.0.11
                    KnockAddress 198.18.0.1
                Host fw6 fd6b:6e6f:636b::11
                    HostName fd6b:6e6f:636b::11
                    KnockAddress fd6b:6e6f:636b::1
                Host *
                    %s
                    Wait 5s
                %s""".formatted(serverKeyLine, identity));
    }

    private ExecResult client(TestNetwork net, String agentSocket, String shell) {
        return net.client().exec(Duration.ofSeconds(30), "env", "PATH=" + fixture.bin + ":/usr/bin:/bin:/usr/sbin:/sbin",
                "XDG_CONFIG_HOME=" + dir.resolve("xdg"), "HOME=" + dir, "SSH_AUTH_SOCK=" + agentSocket,
                "sh", "-c", shell);
    }

    private String context() {
        return "\ndaemon:\n" + (daemon == null ? "" : daemon.output());
    }

    @Test
    void aKnockSignedWithTheKeyFileLetsSshIn() throws IOException {
        try (TestNetwork net = firewall()) {
            // First a profile with another server's key: the daemon judges the datagram at its gate, the port
            // stays closed, and knock --wait says what to check in one line.
            String right = serverKeyLine;
            serverKeyLine = "ServerKey " + knock.spa.SpaKeys.text(new byte[32]).replace("AAAA", "BBBB");
            profile("    IdentityFile " + fixture.userKey());
            ExecResult wrong = client(net, "", "knock --wait=2s fw");
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(3),
                    () -> daemon.output().contains("spa src=198.18.0.2 dst=198.18.0.1 verdict=gate")),
                    "the daemon did not judge the knock sealed to another key" + context());
            assertEquals(1, wrong.exitCode(), wrong.toString());
            assertTrue(wrong.stderr().strip().lines().count() == 1 && wrong.stderr().contains("is ServerKey what "
                    + "knock-server keygen --public prints"), "knock --wait with a wrong ServerKey: " + wrong);
            serverKeyLine = right;
            profile("    IdentityFile " + fixture.userKey());
            for (String host : List.of("fw", "fw6")) {
                ExecResult hidden = client(net, "", fixture.ssh(host + " true"));
                assertEquals(255, hidden.exitCode(), "ssh " + host + " got in without a knock: " + hidden);
                ExecResult in = client(net, "", "knock " + host + " && " + fixture.ssh(host + " true"));
                assertEquals(0, in.exitCode(), "knock " + host + " && ssh: " + in + context());
            }
            assertTrue(daemon.output().contains("src=198.18.0.2 key=SHA256:")
                    && daemon.output().contains("src=fd6b:6e6f:636b::2 key=SHA256:"), "no signed admission" + context());
        }
    }

    /**
     * The key file is encrypted and there is no terminal, so only the agent can sign: that ssh gets in proves
     * the agent signed (the key never left it).
     */
    @Test
    void aKnockSignedThroughSshAgentLetsSshIn() throws Exception {
        Path encrypted = dir.resolve("locked");
        Path sock = dir.resolve("agent.sock");
        try (TestNetwork net = firewall()) {
            ExecResult keygen = net.client().exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret phrase", "-C", "locked",
                    "-f", encrypted.toString());
            assertTrue(keygen.ok(), "ssh-keygen: " + keygen.stderr());
            Files.writeString(dir.resolve("authorized_keys"), Files.readString(Path.of(encrypted + ".pub")),
                    java.nio.file.StandardOpenOption.APPEND);
            daemon.stop(Duration.ofSeconds(10));
            daemon = net.fw().startJava(List.of(), ServerMain.class.getName(), "--config",
                    dir.resolve("knock-server.conf").toString());
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(20), () -> daemon.output().contains("<6>start ")),
                    "knock-server did not restart" + context());
            agent = net.client().start("ssh-agent", "-D", "-a", sock.toString());
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(5), () -> Files.exists(sock)), "no agent socket");
            try {
                ExecResult add = net.client().exec(Duration.ofSeconds(10), "env", "SSH_AUTH_SOCK=" + sock,
                        "SSH_ASKPASS_REQUIRE=force", "SSH_ASKPASS=" + askpass("secret phrase"), "DISPLAY=none",
                        "ssh-add", encrypted.toString());
                assertTrue(add.ok(), "ssh-add: " + add);
                profile("    IdentityFile " + encrypted);
                ExecResult without = client(net, "", "knock fw");
                assertEquals(2, without.exitCode(), "without the agent the encrypted file must not sign: " + without);
                for (String host : List.of("fw", "fw6")) {
                    ExecResult in = client(net, sock.toString(), "knock " + host + " && " + fixture.ssh(host + " true"));
                    assertEquals(0, in.exitCode(), "knock " + host + " (agent) && ssh: " + in + context());
                }
                assertTrue(daemon.output().contains("(locked) sequence=ssh"), "the agent's key did not admit" + context());
            } finally {
                agent.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Each ssh through ProxyCommand sends a fresh signed knock: ssh, scp, ssh again within seconds all get in. */
    @Test
    void sshThenScpThenSshThroughProxyCommandAllGetIn() throws IOException {
        try (TestNetwork net = firewall()) {
            profile("    IdentityFile " + fixture.userKey());
            Path notes = Files.writeString(dir.resolve("notes.txt"), "signed knock\n");
            String proxy = "-o 'ProxyCommand=knock proxy %h %p' ";
            for (String host : List.of("fw", "fw6")) {
                String copy = "/tmp/knock-signed-" + host + "-" + ProcessHandle.current().pid();
                for (String use : List.of(fixture.ssh(proxy + host + " true"),
                        "scp -q -F " + fixture.sshConfig + " " + proxy + notes + " " + host + ":" + copy,
                        fixture.ssh(proxy + host + " cat " + copy + " && rm " + copy))) {
                    ExecResult r = client(net, "", use);
                    assertEquals(0, r.exitCode(), use + ": " + r + context());
                    if (use.contains(" cat ")) {
                        assertEquals("signed knock", r.stdout().strip(), "what scp copied to " + host);
                    }
                }
            }
        }
    }

    private Path askpass(String phrase) throws IOException {
        Path script = dir.resolve("askpass");
        Files.writeString(script, "#!/bin/sh\necho '" + phrase + "'\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
