/**
 * Knock sequences as pure values: a {@link knock.sequence.Step} is one packet the client sends (a TCP SYN or
 * UDP datagram to a port, or an ICMP echo told apart by its payload length), a {@link knock.sequence.Sequence}
 * the ordered steps that admit a source. No I/O here; both the client and the server build on these.
 */
package knock.sequence;
