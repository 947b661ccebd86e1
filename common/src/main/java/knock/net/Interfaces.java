package knock.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Network interface names to the kernel's indexes, which is how netlink and packet sockets name interfaces. */
public final class Interfaces {

    private Interfaces() {
    }

    /**
     * The index of interface {@code name} in the calling thread's network namespace.
     *
     * @throws NativeException ENODEV if there is no such interface
     */
    public static int index(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(a);
            int index = (int) Libc.Capture.IF_NAMETOINDEX.invokeExact(cs, a.allocateFrom(name));
            if (index == 0) {
                throw new NativeException("if_nametoindex(" + name + ")", Libc.errno(cs), "no such interface");
            }
            return index;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
