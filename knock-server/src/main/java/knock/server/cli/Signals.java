package knock.server.cli;

import knock.server.daemon.Daemon;
import sun.misc.Signal;

/**
 * Maps signals to the daemon: SIGHUP reloads (what {@code systemctl reload} sends), SIGTERM and SIGINT stop it
 * through the shutdown hook. sun.misc.Signal is the JDK's supported way (module jdk.unsupported) to catch
 * SIGHUP, which otherwise ends the JVM.
 */
final class Signals {

    private Signals() {
    }

    static void install(Daemon daemon) {
        Signal.handle(new Signal("HUP"), signal -> daemon.reload());
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("knock-stop").unstarted(daemon::close));
    }
}
