package knock.server.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import knock.sequence.Sequence;
import knock.sequence.Step;
import knock.server.TestKnock;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import knock.server.config.ServerSettings;
import knock.server.config.Setting;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.server.track.Break;
import knock.server.track.Outcome;
import knock.server.track.Scan;
import knock.server.track.SequenceTracker;
import knock.server.track.TrackEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code knock-server check}: what it accepts runs, what it refuses is one line, and warnings do not fail it. */
class CheckCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String text) throws Exception {
        Path file = dir.resolve("knock.conf");
        Files.writeString(file, text);
        CommandLine cmd = ServerCommandLine.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute("check", "--config", file.toString());
    }

    @Test
    void aStepThatPingSendsIsAWarningOnStderrAndTheCheckPasses() throws Exception {
        assertEquals(0, check("[sequence ssh]\nsteps = 7000/tcp icmp\nknock-address = 198.18.0.1\n"), err.toString());
        assertEquals("knock-server: " + dir.resolve("knock.conf") + ":2: warning: step icmp/56 is everyday traffic, "
                + "a plain ping (Linux, BSD, macOS, fping): an admitted user who sends it to the box counts as a scan "
                + "or a wrong step and loses the port (expected: a step no everyday tool sends)\n", err.toString());
        assertTrue(out.toString().endsWith(": ok (1 warning)\n"), out.toString());
    }

    @Test
    void aValueBeyondItsBoundIsOneLineWithFileLineAndExitCode2() throws Exception {
        assertEquals(2, check("[sequence ssh]\nsteps = 7000/udp\nknock-address = 198.18.0.1\nhold-off = 999999999h\n"));
        assertEquals("knock-server: " + dir.resolve("knock.conf") + ":4: hold-off 999999999h (expected: 0s-49d)\n",
                err.toString(), "one line, no stack trace");
        assertEquals("", out.toString());
    }

    /**
     * The largest config check accepts builds everything the daemon builds from it (tracker, BPF filter, both
     * rulesets in both modes), and a knock through all 64 steps at the last moment of each step-timeout is
     * admitted and expires at the end of its window: no overflow anywhere on the way.
     */
    @Test
    void theLargestConfigCheckAcceptsRuns() throws Exception {
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < Sequence.MAX_STEPS - 1; i++) {
            steps.append(1000 + 300 * i).append(i % 2 == 0 ? "/tcp " : "/udp ");
        }
        steps.append("icmp/").append(ServerSettings.MAX_ICMP_PAYLOAD);
        StringBuilder text = new StringBuilder("[server]\nmax-sources = 10000000\nduplicate-grace = 49d\n");
        for (int s = 1; s <= ServerSettings.MAX_SEQUENCES; s++) {
            text.append("[sequence s").append(s).append("]\nsteps = ").append(steps)
                    .append("\nknock-address = 198.18.0.1 fd6b:6e6f:636b::1\nguard-port = 65535\nstep-timeout = 49d\n")
                    .append("window = 49d\nhold-off = 49d\nscan-adjacent = 100\nmax-connections = 1000\nlist4 = l")
                    .append(s).append("v4\nlist6 = l").append(s).append("v6\n");
        }
        assertEquals(0, check(text.toString()), err.toString());
        ServerConfig config = ServerConfigReader.read(dir.resolve("knock.conf"));

        for (Mode mode : Mode.values()) {
            for (int family : new int[] {4, 6}) {
                assertTrue(Ruleset.render(config, family, mode).endsWith("COMMIT\n"), mode + " IPv" + family);
            }
        }

        List<String> events = new ArrayList<>();
        SequenceTracker tracker = new SequenceTracker(config, new Recording(events));
        long step = Setting.MAX_DURATION.toNanos() - 1;
        long now = Long.MAX_VALUE / 4;
        SequenceConfig first = config.sequences().getFirst();
        long knock = 198L << 24 | 18 << 16 | 1;
        long client = 198L << 24 | 18 << 16 | 2;
        Outcome last = null;
        for (Step s : first.sequence().steps()) {
            now += step;
            last = tracker.judge(TestKnock.of(4, 0, client, 0, knock, s.protocol(), s.value(), now));
        }
        assertEquals(Outcome.ADMITTED, last, String.join("\n", events));
        assertTrue(tracker.hasDeadline());
        assertEquals(now + first.window().toNanos(), tracker.nextDeadline(), "the window ends when it should");
        tracker.expire(now + first.window().toNanos());
        assertTrue(events.stream().filter(e -> e.startsWith("expired")).count() >= 1, String.join("\n", events));
    }

    private record Recording(List<String> events) implements TrackEvents {
        @Override
        public void admitted(SequenceConfig sequence, int family, long hi, long lo, boolean refreshed,
                             long packetNanos) {
            events.add("admitted " + sequence.name());
        }

        @Override
        public void refused(SequenceConfig sequence, int family, long hi, long lo, int capacity) {
            events.add("refused " + sequence.name());
        }

        @Override
        public void broken(SequenceConfig sequence, int family, long hi, long lo, Break reason, boolean removed) {
            events.add("broken " + sequence.name() + " " + reason);
        }

        @Override
        public void scanned(SequenceConfig sequence, int family, long hi, long lo, Scan kind, boolean removed) {
            events.add("scanned " + sequence.name() + " " + kind);
        }

        @Override
        public void expired(SequenceConfig sequence, int family, long hi, long lo, boolean early) {
            events.add("expired " + sequence.name() + (early ? " early" : ""));
        }
    }
}
