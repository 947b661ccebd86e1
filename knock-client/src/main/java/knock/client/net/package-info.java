/**
 * The few Linux socket calls the JDK has no API for, through FFM ({@code java.lang.foreign}): ICMP echo over
 * raw and unprivileged ping sockets, a TCP connect whose descriptor can be handed on, and {@code SCM_RIGHTS}
 * fd passing. Every call captures {@code errno} and fails as a {@link knock.client.net.NativeException} that
 * names the syscall, the errno and its text. Nothing here is loaded unless a command needs it: FFM's set-up
 * costs start-up time that a TCP/UDP knock should not pay.
 *
 * <p>Struct layouts ({@code sockaddr_in6}, {@code msghdr}, {@code cmsghdr}) are those of 64-bit Linux
 * (x86-64, aarch64).
 */
package knock.client.net;
