package knock.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import knock.net.UnixDatagramSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void readyReloadingAndStoppingArriveAsSystemdReadsThem() {
        String path = dir.resolve("notify").toString();
        try (UnixDatagramSocket systemd = UnixDatagramSocket.open().bind(path)) {
            SystemdNotify notify = new SystemdNotify(path);
            assertTrue(notify.send("READY=1"), "READY=1 not sent");
            assertEquals("READY=1", receive(systemd));
            assertTrue(notify.send(SystemdNotify.reloadingMessage(5_000_000_123L)), "RELOADING=1 not sent");
            assertEquals("RELOADING=1\nMONOTONIC_USEC=5000000", receive(systemd));
            assertTrue(notify.send("STOPPING=1"), "STOPPING=1 not sent");
            assertEquals("STOPPING=1", receive(systemd));
        }
    }

    @Test
    void anAbstractSocketNameStartsWithAnAt() {
        String name = "@knock-notify-test-" + ProcessHandle.current().pid();
        try (UnixDatagramSocket systemd = UnixDatagramSocket.open().bind(name)) {
            assertTrue(new SystemdNotify(name).send("READY=1"), "READY=1 not sent to " + name);
            assertEquals("READY=1", receive(systemd));
            assertFalse(Files.exists(Path.of(name)), "abstract name made a file");
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        assertFalse(new SystemdNotify(null).send("READY=1"));
        assertFalse(new SystemdNotify("").send("READY=1"));
    }

    @Test
    void aMissingSocketIsLoggedNotThrown() {
        assertFalse(new SystemdNotify(dir.resolve("nobody-listens").toString()).send("READY=1"),
                "a send to a missing socket reported success");
    }

    @Test
    void theReloadTimeIsMonotonicMicroseconds() {
        long before = System.nanoTime() / 1000;
        String message = SystemdNotify.reloadingMessage(System.nanoTime());
        long usec = Long.parseLong(message.substring(message.indexOf('=', 12) + 1));
        assertTrue(usec >= before && usec - before < 10_000_000, "MONOTONIC_USEC " + usec + " vs " + before);
    }

    private static String receive(UnixDatagramSocket socket) {
        byte[] data = socket.receive(4096, 5000);
        assertNotNull(data, "no datagram within 5 s");
        return new String(data, StandardCharsets.UTF_8);
    }
}
