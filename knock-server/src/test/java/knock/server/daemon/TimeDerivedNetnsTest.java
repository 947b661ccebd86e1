package knock.server.daemon;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import knock.sequence.Protocol;
import knock.sequence.Step;
import knock.sequence.TimeDerivedSteps;
import knock.server.config.ServerConfigReader;
import knock.server.track.Outcome;
import knock.testnet.Host;
import knock.testnet.NetnsTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance test 6 of issue 10, time-derived sequences, against the real daemon in fw, the daemon-mode ruleset
 * from {@code knock-server rules} (its NFLOG rules copy the whole port range), the kernel's xt_recent lists and a
 * listener on port 22: the current time step's ports open; the previous time step's open within its grace; a
 * used knock opens nothing again (another source replays it after the first opened, before and after a reload);
 * a wrong secret opens nothing; the scan guard still fires. Time steps of 2 s, so each test waits seconds.
 * "Stays hidden" is asserted only after the daemon's own verdict on the packet ({@code outcome=}).
 */
@NetnsTest
class TimeDerivedNetnsTest extends DaemonTestBase {

    private static final int PERIOD_SECONDS = 2;
    private static final String OTHER_SECRET = "KRSXG5DTMVRXEZLUORSXG5DTMVRXEZLU";

    private Path secret(String name, String base32) throws IOException {
        Path file = Files.writeString(dir.resolve(name), base32 + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private String sequence(Path secretFile) {
        return """
                [sequence ssh]
                secret-file = %s
                port-range = 40000-49999
                protocols = udp tcp udp
                period = %ds
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                max-connections = 0
                """.formatted(secretFile, PERIOD_SECONDS);
    }

    /** Starts the daemon on a time-derived sequence; returns its derivation, as a client would hold it. */
    private TimeDerivedSteps start() throws IOException {
        DaemonUnderTest daemon = daemon(sequence(secret("ssh.secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")));
        return ServerConfigReader.read(daemon.config).sequences().getFirst().sequence().derived();
    }

    /**
     * Waits for the next time step to begin and returns it: the knocks live when the daemon started are burned,
     * and a knock sent at once has nearly the whole period before it changes.
     */
    private static long nextTimeStep(TimeDerivedSteps d) {
        long now = d.timeStep(System.currentTimeMillis());
        assertTrue(eventually(Duration.ofSeconds(PERIOD_SECONDS + 2),
                () -> d.timeStep(System.currentTimeMillis()) > now), "the clock stands still");
        return now + 1;
    }

    private static void send(Host from, int family, Step step) {
        String knock = family == 4 ? KNOCK4 : KNOCK6;
        if (step.protocol() == Protocol.TCP) {
            from.knockTcpSyn(knock, step.value());
        } else {
            from.knockUdp(knock, step.value());
        }
    }

    private static void knock(Host from, int family, List<Step> steps) {
        for (Step step : steps) {
            send(from, family, step);
        }
    }

    private static String list(int family) {
        return family == 4 ? "ssh4" : "ssh6";
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void theCurrentTimeStepsPortsOpenAndAReplayOpensNothingNotEvenAfterAReload(int family) {
        TimeDerivedSteps d = assertDoesNotThrow(this::start);
        List<Step> steps = d.steps(nextTimeStep(d));
        knock(client, family, steps);
        assertOpens(client, family, "after the current time step's knock " + steps);

        // A sniffer replays the knock from its own address: judged, burned, hidden.
        String scannerAddress = scanner.address(family);
        knock(scanner, family, steps);
        current.awaitVerdict(scannerAddress, steps.getLast().toString(), Outcome.REPLAYED);
        assertFalse(listed(list(family), scannerAddress), "the replay put the scanner on " + list(family));
        assertHidden(scanner, family, "after replaying a used knock");
        assertTrue(current.status().orThrow().stdout().contains(" replays=1 "), "status does not count the replay");

        // A reload that keeps the sequence keeps the knock burned.
        current.mark();
        current.signal("HUP");
        assertTrue(current.logsAfterMark("<6>reload ", SETTLE), "no reload\n" + context());
        knock(scanner, family, steps);
        current.awaitVerdict(scannerAddress, steps.getLast().toString(), Outcome.REPLAYED);
        assertHidden(scanner, family, "after replaying a used knock past a reload");
        assertOpens(client, family, "the reload took the client's admission");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void thePreviousTimeStepsPortsOpenWithinTheirGraceAndTheScanGuardStillFires(int family) {
        TimeDerivedSteps d = assertDoesNotThrow(this::start);
        long previous = nextTimeStep(d);
        assertEquals(previous + 1, nextTimeStep(d));
        List<Step> steps = d.steps(previous);
        knock(client, family, steps);
        current.awaitVerdict(client.address(family), steps.getLast().toString(), Outcome.ADMITTED);
        assertOpens(client, family, "after the previous time step's knock " + steps);

        // The port next to one of those knock ports: a scan, the port hides again.
        Step neighbour = new Step(steps.get(1).protocol(), steps.get(1).value() + 1);
        send(client, family, neighbour);
        current.awaitVerdict(client.address(family), neighbour.toString(), Outcome.SCAN);
        assertTrue(eventually(SETTLE, () -> !listed(list(family), client.address(family))),
                "still listed after hitting " + neighbour + "\n" + context());
        assertHidden(client, family, "after a scan next to a live knock port");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aWrongSecretOpensNothing(int family) throws IOException {
        TimeDerivedSteps d = start();
        TimeDerivedSteps wrong = new TimeDerivedSteps(knock.config.SecretFile.read(secret("other.secret",
                OTHER_SECRET), "test", "secret"), d.range(), d.protocols(), d.period());
        List<Step> steps = wrong.steps(nextTimeStep(d));
        knock(client, family, steps);
        for (Step step : steps) {
            current.awaitVerdict(client.address(family), step.toString(), Outcome.IGNORED);
        }
        assertHidden(client, family, "after a knock derived from another secret " + steps);
    }
}
