package knock.server.daemon;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

import knock.net.UnixDatagramSocket;

/**
 * Tells systemd how the daemon is doing, as sd_notify(3) does, so a {@code Type=notify} unit is "active" only
 * once knocks are watched and {@code systemctl reload} waits for the reload to finish: {@code READY=1},
 * {@code RELOADING=1} with {@code MONOTONIC_USEC}, {@code STOPPING=1}, each one datagram to the
 * {@code NOTIFY_SOCKET} path ({@code @name}: abstract namespace). Without {@code NOTIFY_SOCKET} (not started by
 * systemd) every call does nothing. A failed send is logged and never stops the daemon: systemd then times the
 * start out itself, which says more than a daemon that refuses to run.
 *
 * <p>The messages come from the JVM's own pid, which systemd's default {@code NotifyAccess=main} requires: the
 * launcher {@code exec}s java.
 */
public final class SystemdNotify {

    private static final Logger LOG = System.getLogger("knock.server");
    private static final SystemdNotify ENVIRONMENT = new SystemdNotify(System.getenv("NOTIFY_SOCKET"));

    private final String socket;

    /** @param socket the notify socket's path, or {@code null} or empty for none */
    SystemdNotify(String socket) {
        this.socket = socket == null || socket.isEmpty() ? null : socket;
    }

    /** Start-up is done: the daemon watches knocks and answers on its control socket. */
    public static void ready() {
        ENVIRONMENT.send("READY=1");
    }

    /** A reload begins; {@link #ready()} ends it, whether it took the new config or kept the old one. */
    public static void reloading() {
        ENVIRONMENT.send(reloadingMessage(System.nanoTime()));
    }

    /** The daemon is stopping. */
    public static void stopping() {
        ENVIRONMENT.send("STOPPING=1");
    }

    /**
     * systemd wants the CLOCK_MONOTONIC time of the reload request, to tell it from an older one; HotSpot's
     * {@link System#nanoTime()} on Linux is CLOCK_MONOTONIC.
     */
    static String reloadingMessage(long nanoTime) {
        return "RELOADING=1\nMONOTONIC_USEC=" + nanoTime / 1000;
    }

    /** Sends {@code state}; true if it went out, false if there is no socket or the send failed (logged). */
    boolean send(String state) {
        if (socket == null) {
            return false;
        }
        try (UnixDatagramSocket s = UnixDatagramSocket.open()) {
            s.send(socket, state.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sd_notify failed socket=" + socket + " state="
                    + state.replace('\n', ' ') + ": " + e.getMessage());
            return false;
        }
    }
}
