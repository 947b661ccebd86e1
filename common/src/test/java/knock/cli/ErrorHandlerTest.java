package knock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import knock.KnockException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The one voice, on a command tree of its own: usage errors, knock's own failures and bugs. */
class ErrorHandlerTest {

    @Command(name = "tool", subcommands = Sub.class)
    static final class Tool implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new Refused();
        }
    }

    @Command(name = "sub")
    static final class Sub implements Callable<Integer> {
        @Option(names = "--n")
        int n;

        @Override
        public Integer call() {
            throw new IllegalStateException("a bug");
        }
    }

    static final class Refused extends KnockException {
        Refused() {
            super("the kernel said no (expected: yes)", 7, null);
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ErrorHandler.install(new CommandLine(new Tool()));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void aUsageErrorInASubcommandIsOneLineNamedForTheProgramWithItsHelp() {
        assertEquals(2, run("sub", "--n", "x"));
        assertEquals("tool: Invalid value for option '--n': 'x' is not an int (see 'tool sub --help')\n", err.toString());
        assertEquals("", out.toString(), "no usage text");
    }

    @Test
    void aKnockExceptionIsItsMessageAndItsExitCode() {
        assertEquals(7, run());
        assertEquals("tool: the kernel said no (expected: yes)\n", err.toString());
    }

    @Test
    void aBugIsNamedAsOneWithItsTraceAndExitOne() {
        assertEquals(1, run("sub"));
        String first = err.toString().lines().findFirst().orElseThrow();
        assertEquals("tool: internal error: java.lang.IllegalStateException: a bug", first);
        assertTrue(err.toString().contains("\tat "), "a bug keeps its trace for the report:\n" + err);
    }
}
