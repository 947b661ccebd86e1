package knock.sequence;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TimeDerivedStepsTest {

    /** The test vector's secret: base32 JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP. */
    static final byte[] SECRET = HexFormat.of().parseHex("48656c6c6f21deadbeef48656c6c6f21deadbeef");
    private static final List<Protocol> UDP_TCP_UDP = List.of(Protocol.UDP, Protocol.TCP, Protocol.UDP);

    private static TimeDerivedSteps derived(byte[] secret, PortRange range, List<Protocol> protocols, int periodSeconds) {
        return new TimeDerivedSteps(secret, range, protocols, Duration.ofSeconds(periodSeconds));
    }

    private static int[] ports(TimeDerivedSteps d, long timeStep) {
        int[] ports = new int[d.length()];
        d.ports(timeStep, ports);
        return ports;
    }

    @Test
    void derivesTheTestVectorOfTheSpecification() {
        // docs/time-derived.md: the same figures come from its Python reference, an implementation of its own.
        TimeDerivedSteps d = derived(SECRET, new PortRange(40000, 49999), UDP_TCP_UDP, 30);
        long t = d.timeStep(1_700_000_000_000L);
        assertEquals(56_666_666L, t);
        assertEquals(List.of(Step.udp(46712), Step.tcp(43213), Step.udp(48499)), d.steps(t));
        assertEquals(List.of(Step.udp(45023), Step.tcp(48257), Step.udp(46121)), d.steps(t - 1));
        assertEquals(List.of(Step.udp(45049), Step.tcp(49786), Step.udp(43899)), d.steps(-1), "a time before 1970");
        assertArrayEquals(new int[] {1012, 1055, 1069, 1083},
                ports(derived(SECRET, new PortRange(1000, 1099), List.of(Protocol.UDP, Protocol.UDP, Protocol.UDP,
                        Protocol.UDP), 30), t), "a range the spacing crowds");
        List<Protocol> sixteen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sixteen.add(Protocol.UDP);
        }
        assertArrayEquals(new int[] {20312, 20116, 20047, 20387, 20036, 20366, 20245, 20335, 20078, 20268, 20024,
                        20299, 20059, 20093, 20219, 20280},
                ports(derived(SECRET, new PortRange(20000, 20399), sixteen, 30), t), "more words than one HMAC block");
    }

    @Test
    void portsAreInTheRangeDistinctAndNeverWithinTheSpacingOfEachOther() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] secret = new byte[16 + random.nextInt(32)];
            random.nextBytes(secret);
            int steps = 1 + random.nextInt(TimeDerivedSteps.MAX_STEPS);
            int size = Math.max(TimeDerivedSteps.MIN_RANGE, steps * 21) + (round % 2 == 0 ? 0 : random.nextInt(3000));
            int first = 1 + random.nextInt(65535 - size + 1);
            PortRange range = new PortRange(first, first + size - 1);
            List<Protocol> protocols = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                protocols.add(random.nextBoolean() ? Protocol.TCP : Protocol.UDP);
            }
            TimeDerivedSteps d = derived(secret, range, protocols, 30);
            int[] ports = ports(d, random.nextLong());
            for (int i = 0; i < ports.length; i++) {
                assertTrue(range.near(ports[i], 0), "port " + ports[i] + " outside " + range);
                for (int j = 0; j < i; j++) {
                    assertTrue(Math.abs(ports[i] - ports[j]) > TimeDerivedSteps.SPACING, "ports " + ports[j] + " and "
                            + ports[i] + " within " + TimeDerivedSteps.SPACING + " in " + range);
                }
            }
        }
    }

    @Test
    void theStepsStayWithinATimeStepAndChangeAcrossSteps() {
        TimeDerivedSteps d = derived(SECRET, new PortRange(40000, 49999), UDP_TCP_UDP, 5);
        long start = 1_700_000_000_000L; // a multiple of 5 s
        long t = d.timeStep(start);
        assertEquals(start, d.startMillis(t));
        assertEquals(t, d.timeStep(start + 4_999), "the last millisecond of the step");
        assertEquals(t + 1, d.timeStep(start + 5_000));
        assertEquals(t - 1, d.timeStep(start - 1));
        assertEquals(d.steps(t), d.steps(d.timeStep(start + 2_500)), "the same step, the same ports");
        int changed = 0;
        for (long s = t; s < t + 100; s++) {
            if (!d.steps(s).equals(d.steps(s + 1))) {
                changed++;
            }
        }
        assertEquals(100, changed, "consecutive time steps with the same ports");
        assertNotEquals(d.steps(t), derived(new byte[20], new PortRange(40000, 49999), UDP_TCP_UDP, 5).steps(t),
                "another secret, the same ports");
    }

    @Test
    void everyFreePortOfASmallRangeIsDrawn() {
        // One step over 100 ports: over many time steps every port shows up, none outside.
        TimeDerivedSteps d = derived(SECRET, new PortRange(5000, 5099), List.of(Protocol.TCP), 30);
        boolean[] seen = new boolean[100];
        for (long t = 0; t < 3000; t++) {
            seen[ports(d, t)[0] - 5000] = true;
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "port " + (5000 + i) + " never drawn in 3000 steps");
        }
    }

    @Test
    void refusesWhatCannotDeriveAKnockNamingTheValue() {
        PortRange range = new PortRange(40000, 49999);
        assertEquals("secret of 8 bytes (expected: at least 16)", assertThrows(IllegalArgumentException.class,
                () -> derived(new byte[8], range, UDP_TCP_UDP, 30)).getMessage());
        assertEquals("port range 40000-40049 holds 50 ports (expected: at least 100)",
                assertThrows(IllegalArgumentException.class,
                        () -> derived(SECRET, new PortRange(40000, 40049), UDP_TCP_UDP, 30)).getMessage());
        List<Protocol> ten = java.util.Collections.nCopies(10, Protocol.UDP);
        assertEquals("port range 40000-40199 holds 200 ports (expected: at least 210, 21 per step)",
                assertThrows(IllegalArgumentException.class,
                        () -> derived(SECRET, new PortRange(40000, 40199), ten, 30)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> derived(SECRET, range, List.of(Protocol.ICMP),
                30)).getMessage().startsWith("protocol icmp (expected: tcp or udp per step"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> derived(SECRET, range, List.of(), 30))
                .getMessage().startsWith("protocols: 0 steps (expected: tcp or udp per step"));
        assertEquals("period 1s (expected: whole seconds, 2s-1h)", assertThrows(IllegalArgumentException.class,
                () -> derived(SECRET, range, UDP_TCP_UDP, 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TimeDerivedSteps(SECRET, range,
                UDP_TCP_UDP, Duration.ofMillis(2500))).getMessage().startsWith("period 2500ms (expected: whole"));
        assertEquals(List.of(Protocol.UDP, Protocol.TCP, Protocol.UDP), TimeDerivedSteps.parseProtocols("udp TCP,udp"));
        assertEquals("protocol 'icmp' (expected: tcp or udp per step, such as 'udp tcp udp', at most 16)",
                assertThrows(IllegalArgumentException.class, () -> TimeDerivedSteps.parseProtocols("udp icmp"))
                        .getMessage());
    }

    @Test
    void neverShowsTheSecretAndComparesItsBytes() {
        TimeDerivedSteps d = derived(SECRET, new PortRange(40000, 49999), UDP_TCP_UDP, 30);
        assertEquals("udp tcp udp in 40000-49999 every 30s", d.toString());
        assertEquals(d, derived(SECRET.clone(), new PortRange(40000, 49999), UDP_TCP_UDP, 30));
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        assertNotEquals(d, derived(other, new PortRange(40000, 49999), UDP_TCP_UDP, 30));
    }

    @Test
    void aSequenceIsFixedOrTimeDerivedNeverBoth() {
        TimeDerivedSteps d = derived(SECRET, new PortRange(40000, 49999), UDP_TCP_UDP, 30);
        Sequence derivedSequence = new Sequence("ssh", List.of(), Duration.ofSeconds(10), d);
        assertTrue(derivedSequence.timeDerived());
        assertEquals(3, derivedSequence.length());
        assertEquals(List.of(), derivedSequence.steps());
        assertThrows(IllegalArgumentException.class,
                () -> new Sequence("ssh", List.of(Step.tcp(7000)), Duration.ofSeconds(10), d));
        assertThrows(IllegalArgumentException.class, () -> new Sequence("ssh", List.of(), Duration.ofSeconds(10)));
    }
}
