package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import knock.testnet.ExecResult;
import knock.testnet.HostProcess;
import knock.testnet.Reach;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.Assumptions;

/**
 * What the client's ssh tests share: {@code knock} on a PATH of the test's own, a real sshd on fw's SSH
 * addresses with a throwaway host key and user key ({@code ssh/id}, no passphrase), and an ssh config for it.
 */
final class SshFixture {

    final Path dir;
    final Path bin;
    final Path keys;
    Path sshConfig;

    SshFixture(Path dir) throws IOException {
        this.dir = dir;
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.keys = Files.createDirectories(dir.resolve("ssh"));
        Path script = bin.resolve("knock");
        Files.writeString(script, "#!/bin/sh\nexec " + KnockProcess.shellLine(KnockProcess.command(List.of()))
                + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The user's key, made once: ssh logs in with it, and signed knocks are signed with it. */
    Path userKey() {
        return keys.resolve("id");
    }

    /** Starts sshd in fw on both SSH addresses (before the ruleset hides it) and writes the client's ssh config. */
    HostProcess sshd(TestNetwork net) throws IOException {
        Path sshd = Path.of("/usr/sbin/sshd");
        Path ssh = Path.of("/usr/bin/ssh");
        if (!Files.isExecutable(sshd) || !Files.isExecutable(ssh)) {
            String missing = "the ssh tests need /usr/sbin/sshd and /usr/bin/ssh (apt-get install openssh-server "
                    + "openssh-client)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        for (String key : List.of("host", "id")) {
            if (Files.exists(keys.resolve(key))) {
                continue;
            }
            ExecResult r = net.client().exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "knock-test",
                    "-f", keys.resolve(key).toString());
            assertTrue(r.ok(), "ssh-keygen: " + r.stderr());
        }
        Files.copy(keys.resolve("id.pub"), keys.resolve("authorized_keys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        Path config = Files.writeString(keys.resolve("sshd_config"), """
                ListenAddress 198.18.0.11
                ListenAddress fd6b:6e6f:636b::11
                Port 22
                HostKey %s
                PidFile none
                UsePAM no
                StrictModes no
                AuthorizedKeysFile %s
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                Subsystem sftp internal-sftp
                """.formatted(keys.resolve("host"), keys.resolve("authorized_keys")));
        HostProcess process = net.fw().start(sshd.toString(), "-D", "-e", "-f", config.toString());
        boolean up = TestNetwork.eventually(Duration.ofSeconds(10),
                () -> net.fw().tcp(TestNetwork.SSH4, 22, Duration.ofMillis(300)) == Reach.OPEN
                        && net.fw().tcp(TestNetwork.SSH6, 22, Duration.ofMillis(300)) == Reach.OPEN);
        assertTrue(up, "sshd did not come up in fw: " + process.output());
        sshConfig = Files.writeString(keys.resolve("ssh_config"), """
                Host fw
                    HostName 198.18.0.11
                Host fw6
                    HostName fd6b:6e6f:636b::11
                Host *
                    User root
                    IdentityFile %s
                    IdentitiesOnly yes
                    StrictHostKeyChecking no
                    UserKnownHostsFile /dev/null
                    GlobalKnownHostsFile /dev/null
                    BatchMode yes
                    ConnectTimeout 3
                    LogLevel ERROR
                """.formatted(keys.resolve("id")));
        return process;
    }

    /** An ssh command line with the fixture's config and {@code options}. */
    String ssh(String options) {
        return "ssh -F " + sshConfig + " " + options;
    }
}
