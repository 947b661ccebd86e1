/**
 * Linux sockets through the FFM API ({@code java.lang.foreign}), no JNI, for client and server alike:
 * {@link knock.net.PacketSocket} (an {@code AF_PACKET} socket that sees packets before netfilter),
 * {@link knock.net.BpfProgram} (the classic BPF filter it runs in the kernel), {@link knock.net.Poller} (poll(2)
 * with an eventfd wakeup, so close() stops a blocked reader), {@link knock.net.NativeSocket} (ICMP raw and ping
 * sockets, a TCP connect whose descriptor is passed on with {@code SCM_RIGHTS}),
 * {@link knock.net.UnixDatagramSocket} (AF_UNIX datagrams, for sd_notify), and
 * {@link knock.net.NativeException} carrying syscall, errno and text, as netty's {@code NativeIoException} does.
 * Method handles and call-state buffers are made once; receive paths allocate nothing per packet.
 *
 * <p>The client loads this package only for an ICMP step or {@code --fdpass}: FFM's set-up costs start-up time
 * that a TCP/UDP knock should not pay. Nothing here may load netty.
 */
package knock.net;
