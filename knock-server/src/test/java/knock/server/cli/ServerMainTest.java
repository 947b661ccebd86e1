package knock.server.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import knock.testnet.JavaCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The daemon's command line without picocli ({@link ServerMain#daemonConfig}): the forms it takes name the
 * config file picocli would, it leaves every other form to picocli, and a daemon started through it loads no
 * picocli class and fails as picocli's path does.
 */
class ServerMainTest {

    @TempDir
    Path dir;

    private static Path picocliConfig(String... args) {
        CommandLine cmd = ServerCommandLine.commandLine();
        cmd.parseArgs(args);
        assertNull(cmd.getParseResult().subcommand(), "a daemon line, not a subcommand");
        return ((ServerCommand) cmd.getCommand()).config.file;
    }

    @Test
    void thePlainDaemonLinesNameTheConfigPicocliWould() {
        for (String[] args : List.of(new String[0], new String[] {"--config", "/etc/k.conf"},
                new String[] {"-c", "k.conf"}, new String[] {"--config=/x/k y.conf"},
                new String[] {"--config", "rules.conf"})) {
            Path quick = ServerMain.daemonConfig(args);
            assertNotNull(quick, String.join(" ", args));
            assertEquals(picocliConfig(args), quick, String.join(" ", args));
        }
    }

    @Test
    void everyOtherLineIsLeftToPicocli() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-V"}, new String[] {"rules"},
                new String[] {"check", "--config", "k.conf"}, new String[] {"--config"}, new String[] {"-c", ""},
                new String[] {"--config="}, new String[] {"-ck.conf"}, new String[] {"--config", "--help"},
                new String[] {"--config", "@args"}, new String[] {"@args"}, new String[] {"--config", "status"},
                new String[] {"--config", "a", "--config", "b"}, new String[] {"--config", "k.conf", "extra"},
                new String[] {"--conf", "k.conf"}, new String[] {"--config", "nul\0byte"})) {
            assertNull(ServerMain.daemonConfig(args), String.join(" ", args));
        }
    }

    @Test
    void aDaemonThatCannotStartSaysWhatPicocliWouldAndLoadsNoPicocliClass() throws Exception {
        Path missing = dir.resolve("missing.conf");
        StringWriter expected = new StringWriter();
        CommandLine cmd = ServerCommandLine.commandLine();
        cmd.setErr(new PrintWriter(expected));
        int expectedCode = cmd.execute("--config", missing.toString());
        assertNotEquals(0, expectedCode);

        ByteArrayOutputStream quickErr = new ByteArrayOutputStream();
        int quickCode = ServerMain.runDaemon(missing, new PrintStream(quickErr, true, StandardCharsets.UTF_8));
        assertEquals(expectedCode, quickCode);
        assertEquals(expected.toString(), quickErr.toString(StandardCharsets.UTF_8));

        Path log = dir.resolve("classes.log");
        List<String> java = JavaCommand.of(List.of("-Xlog:class+load=info:file=" + log),
                ServerMain.class.getName(), "--config", missing.toString());
        Process process = new ProcessBuilder(java).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedCode, process.exitValue(), output);
        assertEquals(expected.toString(), output);
        String classes = Files.readString(log);
        assertTrue(classes.contains(" knock.server.daemon.Daemon "), "the daemon's classes are in the log");
        assertFalse(classes.contains(" picocli."), classes.lines().filter(l -> l.contains(" picocli.")).findFirst()
                .orElse(""));
    }
}
