package knock.net;

import java.lang.foreign.MemorySegment;

/**
 * Linux errno values knock reacts to, and their names and texts for messages ({@code EPERM (Operation not
 * permitted)}). The numbers are the x86-64 and arm64 ones (asm-generic), the only targets knock supports.
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EAFNOSUPPORT = 97;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EINPROGRESS = 115;

    private static final String[] NAMES = new String[EINPROGRESS + 1];

    static {
        NAMES[EPERM] = "EPERM";
        NAMES[ENOENT] = "ENOENT";
        NAMES[EINTR] = "EINTR";
        NAMES[EBADF] = "EBADF";
        NAMES[EAGAIN] = "EAGAIN";
        NAMES[ENOMEM] = "ENOMEM";
        NAMES[EACCES] = "EACCES";
        NAMES[EBUSY] = "EBUSY";
        NAMES[ENODEV] = "ENODEV";
        NAMES[EINVAL] = "EINVAL";
        NAMES[ENOTSOCK] = "ENOTSOCK";
        NAMES[EMSGSIZE] = "EMSGSIZE";
        NAMES[ENOPROTOOPT] = "ENOPROTOOPT";
        NAMES[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        NAMES[EAFNOSUPPORT] = "EAFNOSUPPORT";
        NAMES[ENETDOWN] = "ENETDOWN";
        NAMES[ENETUNREACH] = "ENETUNREACH";
        NAMES[ENOBUFS] = "ENOBUFS";
        NAMES[ETIMEDOUT] = "ETIMEDOUT";
        NAMES[ECONNREFUSED] = "ECONNREFUSED";
        NAMES[EHOSTUNREACH] = "EHOSTUNREACH";
        NAMES[EINPROGRESS] = "EINPROGRESS";
    }

    private Errno() {
    }

    /** The symbolic name, e.g. {@code EPERM}, or {@code errno 42} for one not listed here. */
    public static String name(int errno) {
        String name = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name != null ? name : "errno " + errno;
    }

    /** The C library's text for {@code errno}, e.g. {@code Operation not permitted}. */
    public static String text(int errno) {
        try {
            MemorySegment s = (MemorySegment) Libc.STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "unknown error" : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Whether {@code errno} says "not allowed": the process lacks a capability. */
    public static boolean isPermission(int errno) {
        return errno == EPERM || errno == EACCES;
    }
}
