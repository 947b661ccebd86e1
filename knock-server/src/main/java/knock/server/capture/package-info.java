/**
 * Sees knocks: {@link knock.server.capture.KnockCapture} reads the copies that the daemon-mode ruleset's NFLOG rules
 * in INPUT send to an nfnetlink_log group (TCP SYNs, UDP datagrams and echo requests near the knock ports, and the
 * guarded port's new connections) on the daemon's netty epoll event loop itself, decodes them and hands each to a
 * {@link knock.server.capture.KnockSink} in a reused {@link knock.server.Knock}, on that loop: no thread hand-off.
 * The copies come from INPUT, so the daemon judges what the kernel itself would deliver, and the packets still meet
 * the DROP policy. Nothing here allocates per packet.
 */
package knock.server.capture;
