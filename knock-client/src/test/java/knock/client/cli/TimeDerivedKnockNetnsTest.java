package knock.client.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import knock.sequence.TimeDerivedSteps;
import knock.server.cli.ServerMain;
import knock.server.config.ServerConfig;
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

/**
 * The real {@code knock} with a time-derived profile against the real daemon in fw (daemon-mode ruleset, a
 * listener on port 22): {@code knock --wait fw} opens the port; {@code knock code fw} prints a knock that a
 * client sending plain steps (here {@code knock HOST STEP...}, as knockd's client or a phone app would) opens
 * with; the same steps sent again from the scanner open nothing, after the daemon judged them replayed.
 */
@NetnsTest
class TimeDerivedKnockNetnsTest {

    private static final int PERIOD_SECONDS = 3;
    private static final Duration RUN = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Path bin;
    private Path secret;

    @BeforeEach
    void files() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("knock");
        Files.writeString(script, "#!/bin/sh\nexec " + KnockProcess.shellLine(KnockProcess.command(List.of()))
                + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        secret = Files.writeString(dir.resolve("fw.secret"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path profile = Files.createDirectories(dir.resolve("xdg/knock")).resolve("config");
        Files.writeString(profile, """
                Host fw
                    HostName 198.18.0.11
                    KnockAddress 198.18.0.1
                    SecretFile %s
                    PortRange 40000-49999
                    Protocols udp tcp udp
                    Period %ds
                # no knock of its own: the steps come from the command line, as a plain client's would
                Host fw6
                    HostName fd6b:6e6f:636b::11
                    KnockAddress fd6b:6e6f:636b::1
                """.formatted(secret, PERIOD_SECONDS));
    }

    private ExecResult knock(Host host, String arguments) {
        return host.exec(RUN, "env", "PATH=" + bin + ":/usr/bin:/bin:/usr/sbin:/sbin",
                "XDG_CONFIG_HOME=" + dir.resolve("xdg"), "HOME=" + dir, "sh", "-c", "knock " + arguments);
    }

    /** Waits for the next time step to begin: the knocks live when the daemon started are burned. */
    private static void nextTimeStep(TimeDerivedSteps d) {
        long now = d.timeStep(System.currentTimeMillis());
        assertTrue(TestNetwork.eventually(Duration.ofSeconds(PERIOD_SECONDS + 2),
                () -> d.timeStep(System.currentTimeMillis()) > now), "the clock stands still");
    }

    @Test
    void knockOpensAndTheCodeItPrintsOpensOnceForAPlainClient() throws IOException {
        Path file = Files.writeString(dir.resolve("knock-server.conf"), """
                [server]
                control-socket = %s
                log-level = debug
                [sequence ssh]
                secret-file = %s
                port-range = 40000-49999
                protocols = udp tcp udp
                period = %ds
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                max-connections = 0
                """.formatted(dir.resolve("control.sock"), secret, PERIOD_SECONDS));
        ServerConfig config = ServerConfigReader.read(file);
        TimeDerivedSteps derived = config.sequences().getFirst().sequence().derived();
        try (TestNetwork net = TestNetwork.create()) {
            net.fw().listen(TestNetwork.SSH4, 22);
            net.fw().listen(TestNetwork.SSH6, 22);
            net.fw().loadRules(4, Ruleset.render(config, 4, Mode.DAEMON));
            net.fw().loadRules(6, Ruleset.render(config, 6, Mode.DAEMON));
            HostProcess daemon = net.fw().startJava(List.of(), ServerMain.class.getName(), "--config", file.toString());
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(20),
                            () -> daemon.output().contains("<6>start ") || !daemon.isAlive()) && daemon.isAlive(),
                    "knock-server did not start in fw:\n" + daemon.output());

            nextTimeStep(derived);
            ExecResult in = knock(net.client(), "--wait=5s fw");
            assertEquals(0, in.exitCode(), "knock --wait fw: " + in + "\n" + daemon.output());
            assertEquals("", in.stderr(), "knock is quiet by default");

            nextTimeStep(derived);
            ExecResult code = knock(net.client(), "code fw");
            assertEquals(0, code.exitCode(), "knock code fw: " + code);
            String steps = code.stdout().lines().findFirst().orElseThrow();
            assertTrue(code.stdout().lines().skip(1).findFirst().orElseThrow().matches(
                    "valid for \\d+s \\(the next code in \\d+s\\), once"), code.stdout());
            ExecResult plain = knock(net.client(), "--wait=5s fw6 " + steps);
            assertEquals(0, plain.exitCode(), "knock --wait fw6 " + steps + ": " + plain + "\n" + daemon.output());

            ExecResult replay = knock(net.scanner(), "--wait=1s fw6 " + steps);
            assertEquals(1, replay.exitCode(), "the replayed code opened port 22 for the scanner: " + replay);
            String last = steps.substring(steps.lastIndexOf(' ') + 1);
            assertTrue(TestNetwork.eventually(Duration.ofSeconds(3), () -> daemon.output().contains(
                    "knock src=" + TestNetwork.SCANNER6 + " dst=" + TestNetwork.KNOCK6 + " " + last
                            + " outcome=replayed")), "the daemon did not judge the replay:\n" + daemon.output());
            assertEquals(Reach.HIDDEN, net.scanner().tcp(TestNetwork.SSH6, 22, Duration.ofMillis(400)),
                    "port 22 answers the scanner after its replay");
        }
    }
}
