package knock.client.net;

import java.io.IOException;

/**
 * A failed Linux system call, as netty's {@code NativeIoException}: the call, the errno and its text, e.g.
 * {@code socket: EPERM (Operation not permitted)}. Callers add what to do about it.
 */
public final class NativeException extends IOException {

    private final String syscall;
    private final int errno;

    NativeException(String syscall, int errno, String text) {
        super(syscall + ": " + Errno.name(errno) + " (" + text + ")");
        this.syscall = syscall;
        this.errno = errno;
    }

    public String syscall() {
        return syscall;
    }

    public int errno() {
        return errno;
    }

    /** Whether the kernel refused for lack of privilege (EPERM or EACCES). */
    public boolean isPermission() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
