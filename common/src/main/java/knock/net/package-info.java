/**
 * Linux sockets through the FFM API ({@code java.lang.foreign}), no JNI, for client and server alike:
 * {@link knock.net.NflogSocket} (a netlink socket bound to an {@code nfnetlink_log} group: copies of the
 * packets that NFLOG rules in INPUT match) and {@link knock.net.NflogMessages} (the packets of one read),
 * {@link knock.net.Interfaces} (interface names to indexes), {@link knock.net.NativeSocket} (ICMP raw and ping
 * sockets, a TCP connect whose descriptor is passed on with {@code SCM_RIGHTS}),
 * {@link knock.net.UnixDatagramSocket} (AF_UNIX datagrams, for sd_notify), and
 * {@link knock.net.NativeException} carrying syscall, errno and text, as netty's {@code NativeIoException} does.
 * Method handles and call-state buffers are made once; receive paths allocate nothing per packet.
 *
 * <p>The client loads this package only for an ICMP step or {@code --fdpass}: FFM's set-up costs start-up time
 * that a TCP/UDP knock should not pay. Nothing here may load netty.
 */
package knock.net;
