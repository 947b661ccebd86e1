package knock.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The quick path takes only command lines that picocli parses to the very same command, and declines the rest. */
class QuickStartTest {

    @TempDir
    Path home;

    /** What a parsed command would do: every option and parameter of {@code knock} or {@code knock proxy}. */
    private static String state(Object command) {
        return switch (command) {
            case KnockCommand k -> "knock " + common(k.common) + " wait=" + k.waitFor + " port=" + k.port
                    + " delay=" + k.delay + " host=" + k.host + " steps=" + k.steps;
            case ProxyCommand p -> "proxy " + common(p.common) + " fdpass=" + p.fdpass + " timeout=" + p.timeout
                    + " host=" + p.host + " port=" + p.port + " steps=" + p.steps;
            default -> throw new AssertionError("not a quick command: " + command);
        };
    }

    private static String common(CommonOptions c) {
        return "F=" + c.file + " 4=" + c.ipv4 + " 6=" + c.ipv6 + " v=" + c.verbose;
    }

    private Map<String, String> env() {
        return Map.of("HOME", home.toString());
    }

    private static String[] words(String line) {
        return line.isEmpty() ? new String[0] : line.split(" ", -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "fw", "fw 7000/tcp 8000/udp icmp/64", "-v fw", "fw -v", "-4 fw --wait", "--wait=20s fw", "fw --wait",
        "-F /tmp/x fw 7000", "-p 2222 -d 100ms fw", "--port=2222 --delay=100ms fw", "--verbose -6 fw 7000:udp",
        "--port 99999 fw", "-d soon fw 7000", "fw 7000 -F /tmp/x 8000",
        "proxy fw 22", "proxy fw 22 7000/tcp 8000/udp", "proxy --fdpass fw 22", "proxy fw 22 --fdpass",
        "proxy -F /tmp/x --timeout 20s fw 22", "proxy --timeout=5s -v -4 fw 22", "proxy -6 --verbose fw ssh 7000",
    })
    void aPlainCommandLineParsesAsPicocliParsesIt(String line) {
        QuickStart.Run quick = QuickStart.parse(words(line), new CommonOptions(env()));
        assertNotNull(quick, "the quick path declined '" + line + "'");
        CommandLine cmd = KnockMain.commandLine(env());
        ParseResult parsed = cmd.parseArgs(words(line));
        Object picocli = parsed.subcommand() != null ? parsed.subcommand().commandSpec().userObject() : cmd.getCommand();
        assertEquals(state(picocli), state(quick), "'" + line + "' parsed otherwise than picocli parses it");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "--help", "-h", "--version", "-V", "proxy --help", "code fw", "fw proxy", "-v proxy fw 22",
        "--wait fw", "--wait 20s fw", "-46 fw", "-4v fw", "-v -v fw", "--verbose -v fw", "@args", "fw @args",
        "-- fw", "fw ", "-F fw", "-F -v fw", "-p -v fw", "-p proxy fw", "-F @x fw", "fw -p", "proxy fw",
        "proxy fw 22 --wait", "proxy -p 22 fw 22", "--fdpass fw", "--timeout 5s fw", "--verbose=true fw",
        "-x fw", "-F=/tmp/x fw", "fw a=b", "--port= fw", "--bogus fw", "-F /tmp/x -F /tmp/y fw",
    })
    void anythingElseIsLeftToPicocli(String line) {
        assertNull(QuickStart.parse(words(line), new CommonOptions(env())), "the quick path took '" + line + "'");
    }

    @Test
    void aFailureOnTheQuickPathIsTheLinePicocliPrints() {
        StringWriter quick = new StringWriter();
        int quickExit = KnockMain.run(words("fw"), env(), InstantSource.system(), new PrintWriter(quick));
        StringWriter picocli = new StringWriter();
        int picocliExit = KnockMain.commandLine(env()).setErr(new PrintWriter(picocli)).execute("fw");
        assertEquals(2, quickExit);
        assertEquals(picocliExit, quickExit, "exit code");
        assertEquals(picocli.toString(), quick.toString());
    }

    @Test
    void aDeclinedCommandLineStillRunsThroughPicocli() {
        StringWriter err = new StringWriter();
        int exit = KnockMain.run(words("--bogus fw"), env(), InstantSource.system(), new PrintWriter(err));
        assertEquals(2, exit);
        assertEquals("knock: Unknown option: '--bogus' (see 'knock --help')", err.toString().strip());
    }
}
