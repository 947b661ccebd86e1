package knock.server.daemon;

import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import knock.spa.SpaGate;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signed knocks (SPA) against the real daemon, ruleset and kernel lists in fw: one datagram signed with an
 * authorized key opens port 22 for its source; the same datagram again (from anyone, before or after a restart),
 * a stale, unknown, tampered, misdirected or out-of-bounds one opens nothing, and each of those is judged by the
 * daemon before the port is found hidden. Floods of junk and of well-sealed datagrams with bad signatures cost
 * bounded CPU and never keep a real knock out.
 */
@NetnsTest
class SignedKnockTest extends DaemonTestBase {

    private static final int SPA_PORT = 62201;
    private static final String SEQUENCES = """
            [sequence ssh]
            spa-port = 62201
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            guard-address = 198.18.0.11 fd6b:6e6f:636b::11
            max-connections = 0
            [sequence db]
            spa-port = 62201
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            guard-port = 5432
            guard-address = 198.18.0.11 fd6b:6e6f:636b::11
            list4 = db4
            list6 = db6
            """;

    private SpaKeysForTest keys;
    private SpaKeysForTest.User alice;

    @BeforeEach
    void keys() throws Exception {
        keys = new SpaKeysForTest(dir);
        alice = keys.user();
        keys.authorize(alice.authorizedLine("", "alice@laptop"));
    }

    private DaemonUnderTest start() {
        return daemon(keys.serverLines(), SEQUENCES);
    }

    private static String knockAddress(int family) {
        return family == 4 ? KNOCK4 : KNOCK6;
    }

    private static String clientAddress(int family) {
        return family == 4 ? CLIENT4 : CLIENT6;
    }

    private static String scannerAddress(int family) {
        return family == 4 ? SCANNER4 : SCANNER6;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aSignedKnockOpensPort22AndTheSameDatagramNeverOpensAgain(int family) {
        start();
        assertHidden(client, family, "before the knock");
        byte[] datagram = keys.knock(alice, "ssh");
        client.knockUdp(knockAddress(family), SPA_PORT, datagram);
        current.awaitSpaVerdict(clientAddress(family), "admit");
        assertOpens(client, family, "after a signed knock");
        assertTrue(current.logs("key=" + "SHA256:", SETTLE) && current.logs("(alice@laptop) sequence=ssh", SETTLE),
                "the admission does not name the key\n" + context());

        client.knockUdp(knockAddress(family), SPA_PORT, datagram);
        current.awaitSpaVerdict(clientAddress(family), "replay");
        scanner.knockUdp(knockAddress(family), SPA_PORT, datagram);
        current.awaitSpaVerdict(scannerAddress(family), "replay");
        assertHidden(scanner, family, "after it replayed a sniffed signed knock");
    }

    @Test
    void nothingOpensForAKnockThatIsStaleUnknownTamperedMisdirectedOrOutOfItsKeysBounds() throws Exception {
        SpaKeysForTest.User mallory = keys.user();
        SpaKeysForTest.User remote = keys.user();
        SpaKeysForTest.User dbOnly = keys.user();
        keys.authorize(alice.authorizedLine("", "alice"),
                remote.authorizedLine("from=\"198.18.0.200/32,fd6b:6e6f:636b::200\"", "remote"),
                dbOnly.authorizedLine("sequences=\"db\"", "db"));
        start();
        String knock = KNOCK4;

        // Older than spa-max-age (30 s).
        client.knockUdp(knock, SPA_PORT, keys.knock(alice, "ssh", null, System.currentTimeMillis() - 60_000));
        current.awaitSpaVerdict(CLIENT4, "stale");
        // A key the server does not know.
        client.knockUdp(knock, SPA_PORT, keys.knock(mallory, "ssh"));
        current.awaitSpaVerdict(CLIENT4, "unknown-key");
        // Any single bit flipped: the gate MAC fails; with the MAC redone (anyone holding the server's public key
        // can), the seal fails.
        byte[] flipped = keys.knock(alice, "ssh");
        int bit = keys.random.nextInt((flipped.length - SpaGate.MAC_BYTES) * 8);
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        client.knockUdp(knock, SPA_PORT, flipped);
        current.awaitSpaVerdict(CLIENT4, "gate");
        new SpaGate(keys.serverPublic).stamp(flipped, 0, flipped.length);
        client.knockUdp(knock, SPA_PORT, flipped);
        current.awaitSpaVerdict(CLIENT4, "seal");
        // Admitting another address, which alice's key has no admit= for.
        client.knockUdp(knock, SPA_PORT, keys.knock(alice, "ssh", InetAddress.getByName(SCANNER4),
                System.currentTimeMillis()));
        current.awaitSpaVerdict(CLIENT4, "admit-address");
        // A key outside its from=.
        client.knockUdp(knock, SPA_PORT, keys.knock(remote, "ssh"));
        current.awaitSpaVerdict(CLIENT4, "from");
        // A key whose sequences= does not name ssh; and a sequence the server lacks.
        client.knockUdp(knock, SPA_PORT, keys.knock(dbOnly, "ssh"));
        current.awaitSpaVerdict(CLIENT4, "sequence");
        client.knockUdp(knock, SPA_PORT, keys.knock(alice, "nope"));
        current.awaitSpaVerdict(CLIENT4, "sequence");
        // Sent to the box's other address: no knock address of the sequence.
        client.knockUdp(SSH4, SPA_PORT, keys.knock(alice, "ssh"));
        current.awaitSpaVerdict(CLIENT4, "sequence");

        assertHidden(client, 4, "after knocks that must not open");
        assertFalse(listed("ssh4", CLIENT4) || listed("ssh4", SCANNER4), "a list holds a refused source\n"
                + context());
        String status = current.status().orThrow().stdout();
        assertTrue(status.contains("spa: admit=0 "), status);

        // The control: alice's good knock for db opens db's list, not ssh's.
        client.knockUdp(knock, SPA_PORT, keys.knock(alice, "db"));
        current.awaitSpaVerdict(CLIENT4, "admit");
        assertTrue(eventually(SETTLE, () -> listed("db4", CLIENT4)), "db not admitted\n" + context());
        assertFalse(listed("ssh4", CLIENT4), "a knock for db opened ssh\n" + context());
    }

    /** A key whose admit= names an address may ask for it: the client knocks, the scanner's address gets in. */
    @Test
    void aKeysAdmitOptionLetsItOpenTheDoorForAnotherAddress() throws Exception {
        keys.authorize(alice.authorizedLine("admit=\"198.18.0.3/32\"", "alice"));
        start();
        client.knockUdp(KNOCK4, SPA_PORT, keys.knock(alice, "ssh", InetAddress.getByName(SCANNER4),
                System.currentTimeMillis()));
        current.awaitSpaVerdict(CLIENT4, "admit");
        assertOpens(scanner, 4, "after a knock that asked to admit it");
        assertHidden(client, 4, "which asked to admit another address, not itself");
        client.knockUdp(KNOCK4, SPA_PORT, keys.knock(alice, "ssh", InetAddress.getByName("198.18.0.4"),
                System.currentTimeMillis()));
        current.awaitSpaVerdict(CLIENT4, "admit-address");
    }

    @Test
    void aKnockFromBeforeARestartOpensNothingAfterIt() throws Exception {
        start();
        byte[] datagram = keys.knock(alice, "ssh");
        client.knockUdp(KNOCK4, SPA_PORT, datagram);
        current.awaitSpaVerdict(CLIENT4, "admit");
        assertOpens(client, 4, "after a signed knock");
        assertEquals(143, current.stop(), "knock-server did not stop on SIGTERM\n" + context());
        current.start();
        // The replay cache of the first run is gone: the datagram's timestamp, before this start, refuses it.
        scanner.knockUdp(KNOCK4, SPA_PORT, datagram);
        current.awaitSpaVerdict(SCANNER4, "stale");
        assertHidden(scanner, 4, "after replaying a knock from before the restart");
    }

    @Test
    void aFloodOfJunkCostsLittleAndARealKnockStillOpens() throws Exception {
        start();
        long pid = current.pid();
        long before = cpuTicks(pid);
        int sent = scanner.call(() -> {
            byte[] junk = new byte[300];
            try (var channel = java.nio.channels.DatagramChannel.open()) {
                var to = new java.net.InetSocketAddress(InetAddress.getByName(KNOCK4), SPA_PORT);
                for (int i = 0; i < 100_000; i++) {
                    keys.random.nextBytes(junk);
                    channel.send(java.nio.ByteBuffer.wrap(junk, 0, 220 + i % 80), to);
                }
            }
            return 100_000;
        });
        assertTrue(eventually(Duration.ofSeconds(10), () -> current.status().stdout().contains(" gate=")
                && gateCount(current.status().stdout()) > 0), "no junk was judged\n" + context());
        Thread.sleep(500);
        long ticks = cpuTicks(pid) - before;
        System.out.println("spa junk flood: " + sent + " datagrams sent, " + gateCount(current.status().stdout())
                + " judged at the gate, daemon CPU " + ticks * 10 + " ms (" + (ticks * 10_000.0
                / Math.max(1, gateCount(current.status().stdout()))) + " us per judged datagram)");
        client.knockUdp(KNOCK4, SPA_PORT, keys.knock(alice, "ssh"));
        current.awaitSpaVerdict(CLIENT4, "admit");
        assertOpens(client, 4, "after a junk flood");
    }

    @Test
    void twentyThousandWellSealedForgeriesNeverKeepARealKnockOut() throws Exception {
        start();
        List<byte[]> forgeries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            forgeries.add(keys.badlySigned(alice, "ssh"));
        }
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flood = new Thread(() -> scanner.call(() -> {
            try (var channel = java.nio.channels.DatagramChannel.open()) {
                var to = new java.net.InetSocketAddress(InetAddress.getByName(KNOCK4), SPA_PORT);
                for (byte[] f : forgeries) {
                    channel.send(java.nio.ByteBuffer.wrap(f), to);
                }
            } finally {
                flooding.set(false);
            }
            return null;
        }));
        flood.start();
        try {
            Thread.sleep(100);
            long sentAt = System.nanoTime();
            client.knockUdp(KNOCK4, SPA_PORT, keys.knock(alice, "ssh"));
            assertTrue(eventually(Duration.ofSeconds(2), () -> ssh(client, 4) == Reach.OPEN),
                    "a real signed knock did not open within 2 s of a flood of forgeries\n" + context());
            System.out.println("spa forgery flood: real knock opened after "
                    + (System.nanoTime() - sentAt) / 1_000_000 + " ms, flood still running: " + flooding.get());
        } finally {
            flood.join(60_000);
        }
        String status = current.status().orThrow().stdout();
        System.out.println("spa forgery flood status: " + status.lines().filter(l -> l.startsWith("spa:"))
                .findFirst().orElse(status));
        assertTrue(status.contains("admit=1 "), status);
    }

    private static long gateCount(String status) {
        for (String line : status.lines().toList()) {
            if (line.startsWith("spa:")) {
                for (String word : line.split(" ")) {
                    if (word.startsWith("gate=")) {
                        return Long.parseLong(word.substring(5));
                    }
                }
            }
        }
        return 0;
    }

    /** User plus system CPU of the process, in clock ticks (10 ms each at USER_HZ 100). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
