/**
 * Sees knocks: {@link knock.server.capture.KnockCapture} opens {@code AF_PACKET} sockets whose in-kernel BPF
 * filter ({@link knock.server.capture.KnockFilter}) passes only TCP SYNs, UDP datagrams and echo requests the
 * config could care about, decodes them on one capture thread and hands each to a
 * {@link knock.server.capture.KnockSink} as primitives; {@link knock.server.capture.KnockQueue} carries them to a
 * netty event loop through a bounded ring. Capture runs before netfilter, so knocks to DROPped ports count too.
 * Nothing here allocates per packet.
 */
package knock.server.capture;
