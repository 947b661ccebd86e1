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
        CommandLine cmd = ServerCommandLine.commandLine();
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

    /** The single line on stderr, failing if there are more or a stack trace. */
    private String line() {
        String[] lines = err.toString().strip().split("\n");
        assertEquals(1, lines.length, "expected one line on stderr, got:\n" + err);
        assertFalse(err.toString().contains("\tat "), "a stack trace on stderr:\n" + err);
        return lines[0];
    }

    @Test
    void aBadFamilyIsOneUsageLineNamingTheValueAndPointingAtHelp() {
        assertEquals(2, run("rules", "-c", "../dist/etc/knock-server.conf", "--family", "5"));
        assertEquals("knock-server: Invalid value for option '--family': 5 (expected: 4 or 6)"
                + " (see 'knock-server rules --help')", line());
        assertEquals("", out.toString(), "no usage text, no half ruleset");
    }

    @Test
    void aBadModeIsOneUsageLineAndTheModeIsReadInAnyCase() {
        assertEquals(2, run("rules", "-c", "../dist/etc/knock-server.conf", "--mode", "magic"));
        assertEquals("knock-server: Invalid value for option '--mode': expected one of [DAEMON, KERNEL]"
                + " (case-insensitive) but was 'magic' (see 'knock-server rules --help')", line());
        err.getBuffer().setLength(0);
        assertEquals(0, run("rules", "-c", "../dist/etc/knock-server.conf", "--mode", "KERNEL"), err.toString());
        assertTrue(out.toString().contains("--set"), "kernel mode sets lists:\n" + out);
    }

    @Test
    void everyKindOfBadCommandLineIsOneLineAndExitTwo() {
        String[][] bad = {
            {"--bogus"},
            {"rules", "--family"},
            {"rules", "--family", "four"},
            {"rules", "stray"},
            {"status", "--socket"},
            {"nonsense"},
        };
        for (String[] args : bad) {
            err.getBuffer().setLength(0);
            assertEquals(2, run(args), String.join(" ", args) + ":\n" + err);
            String line = line();
            assertTrue(line.startsWith("knock-server: ") && line.endsWith(" --help')"),
                    String.join(" ", args) + ": " + line);
        }
        assertEquals("", out.toString(), "usage errors print nothing on stdout");
    }

    @Test
    void aMissingConfigIsOneLineWithExitCode2() {
        assertEquals(2, run("rules", "-c", "/nonexistent/knock-server.conf"));
        assertTrue(line().startsWith("knock-server: /nonexistent/knock-server.conf"), err.toString());
    }

    @Test
    void helpListsTheExitCodes() {
        assertEquals(0, run("--help"));
        for (String code : new String[] {"0   ok", "1   failure", "2   bad usage or bad config"}) {
            assertTrue(out.toString().contains(code), "--help lacks exit code '" + code + "':\n" + out);
        }
    }

    @Test
    void checkSaysWhatTheConfigDescribes() {
        assertEquals(0, run("check", "-c", "../dist/etc/two-services.conf"), err.toString());
        assertTrue(out.toString().contains("sequence db: [40001/udp, 40101/udp, 40011/tcp] -> port 5432"), out.toString());
    }
}
