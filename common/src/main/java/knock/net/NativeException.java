package knock.net;

import knock.KnockException;

/**
 * A failed system call, as netty's {@code NativeIoException}: the call, its errno and the C library's text, plus
 * the fix when knock knows it ({@code nflog bind group 56625: EPERM (Operation not permitted): needs CAP_NET_ADMIN}).
 * Exit code 1. Made once where a call fails, never per packet on a healthy path.
 *
 * <p>Unchecked, as every {@link knock.KnockException}: a caller that can say more (the client's exit 3 for a
 * missing privilege, "refused" for a port still closed) catches it and acts on {@link #errno()}.
 */
public final class NativeException extends KnockException {

    private final String syscall;
    private final int errno;

    /** @param hint what would fix it, or {@code null} */
    public NativeException(String syscall, int errno, String hint) {
        super(syscall + ": " + Errno.name(errno) + " (" + Errno.text(errno) + ")" + (hint == null ? "" : ": " + hint),
                FAILURE, null);
        this.syscall = syscall;
        this.errno = errno;
    }

    /** The call and the object it was made on, e.g. {@code socket(AF_NETLINK, NETLINK_NETFILTER)}. */
    public String syscall() {
        return syscall;
    }

    public int errno() {
        return errno;
    }

    /** Whether the kernel refused for lack of privilege (EPERM or EACCES). */
    public boolean isPermission() {
        return Errno.isPermission(errno);
    }
}
