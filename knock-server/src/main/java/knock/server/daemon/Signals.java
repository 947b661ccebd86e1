package knock.server.daemon;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import sun.misc.Signal;

/**
 * Maps signals to the daemon: SIGHUP reloads (what {@code systemctl reload} sends), SIGTERM and SIGINT stop it
 * through the shutdown hook. sun.misc.Signal is the JDK's supported way (module jdk.unsupported) to catch
 * SIGHUP, which otherwise ends the JVM.
 */
final class Signals {

    private static final int SIGHUP = 1;

    private Signals() {
    }

    private static void restoreDefault(int signal) {
        Linker linker = Linker.nativeLinker();
        MethodHandle handle = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try {
            MemorySegment previous = (MemorySegment) handle.invokeExact(signal, MemorySegment.NULL); // SIG_DFL
            assert previous != null;
        } catch (Throwable e) {
            throw new IllegalStateException("signal(" + signal + ", SIG_DFL): " + e, e);
        }
    }

    static void install(Daemon daemon) {
        // Started under nohup (or by a parent that ignores SIGHUP), the JVM leaves an ignored SIGHUP ignored and
        // Signal.handle quietly installs nothing: reset it to the default first, so reload always works.
        restoreDefault(SIGHUP);
        Signal.handle(new Signal("HUP"), signal -> daemon.reload());
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("knock-stop").unstarted(daemon::close));
    }
}
