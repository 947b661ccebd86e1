package knock.server.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RulesCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void printsARulesetForEachFamilyAndMode() {
        for (String family : new String[] {"4", "6"}) {
            for (String mode : new String[] {"daemon", "kernel"}) {
                assertEquals(0, run("rules", "-c", "../dist/etc/knock-server.conf", "--family", family, "--mode", mode),
                        err.toString());
            }
        }
        assertTrue(out.toString().contains("*filter"), out.toString());
        assertTrue(out.toString().endsWith("COMMIT\n"));
    }

    @Test
    void aBadConfigIsOneLineWithFileLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "[sequence ssh]\nsteps = 7000/udp\nknock-address = 198.18.0.1\nwindow = soon\n");
        assertEquals(2, run("rules", "--config", file.toString()));
        assertEquals("knock-server: " + file + ":4: window soon (expected: a duration such as 500ms, 10s, 5m, 1h, "
                + "at least 1s)\n", err.toString(), "one line, no stack trace");
        assertEquals("", out.toString(), "nothing half-printed on stdout");
    }

    @Test
    void aBadFamilyOrModeIsAUsageError() {
        assertEquals(2, run("rules", "-c", "../dist/etc/knock-server.conf", "--family", "5"));
        assertTrue(err.toString().startsWith("--family 5 (expected: 4 or 6)"), err.toString());
        assertEquals(2, run("rules", "-c", "../dist/etc/knock-server.conf", "--mode", "magic"));
        assertTrue(err.toString().contains("--mode magic (expected: daemon or kernel)"), err.toString());
    }

    @Test
    void checkSaysWhatTheConfigDescribes() {
        assertEquals(0, run("check", "-c", "../dist/etc/two-services.conf"), err.toString());
        assertTrue(out.toString().contains("sequence db: [40001/udp, 40101/udp, 40011/tcp] -> port 5432"), out.toString());
    }
}
