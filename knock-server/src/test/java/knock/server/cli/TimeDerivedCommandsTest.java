package knock.server.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** check and rules with a time-derived sequence, as an admin runs them. */
class TimeDerivedCommandsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;
    private Path config;

    @BeforeEach
    void files() throws IOException {
        Path secret = Files.writeString(dir.resolve("ssh.secret"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        config = Files.writeString(dir.resolve("knock.conf"), """
                [sequence ssh]
                secret-file = ssh.secret
                port-range = 40000-49999
                protocols = udp tcp udp
                period = 10s
                knock-address = 198.18.0.1
                """);
    }

    private int run(String... args) {
        CommandLine cmd = ServerCommandLine.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void checkSaysTheSequenceIsTimeDerivedAndNeverShowsTheSecret() {
        assertEquals(0, run("check", "-c", config.toString()), err.toString());
        assertEquals("sequence ssh: time-derived udp tcp udp in 40000-49999 every 10s -> port 22 lists ssh4/ssh6 "
                + "window 90s\n" + config + ": ok\n", out.toString());
        assertFalse(out.toString().contains("JBSW"), "the secret on stdout");
    }

    @Test
    void kernelModeIsOneLineWithExitCode2() {
        assertEquals(2, run("rules", "-c", config.toString(), "--mode", "kernel"));
        assertEquals("knock-server: " + config + ": sequence ssh has time-derived ports, which change every 10s: "
                + "kernel mode's rules are fixed when loaded (expected: --mode daemon, or steps for kernel mode)\n",
                err.toString());
        assertEquals("", out.toString(), "no half ruleset");
        assertEquals(0, run("rules", "-c", config.toString(), "--mode", "daemon"), err.toString());
    }
}
