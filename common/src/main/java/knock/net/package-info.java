/**
 * Linux sockets through the FFM API ({@code java.lang.foreign}), no JNI: {@link knock.net.PacketSocket} (an
 * {@code AF_PACKET} socket that sees packets before netfilter), {@link knock.net.BpfProgram} (the classic BPF
 * filter it runs in the kernel), {@link knock.net.Poller} (poll(2) with an eventfd wakeup, so close() stops a
 * blocked reader), {@link knock.net.UnixDatagramSocket} (AF_UNIX datagrams, for sd_notify), and {@link knock.net.NativeException} carrying syscall, errno and text, as netty's
 * {@code NativeIoException} does. Method handles and call-state buffers are made once; receive paths allocate
 * nothing per packet.
 */
package knock.net;
