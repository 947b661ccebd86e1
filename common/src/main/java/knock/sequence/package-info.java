/**
 * Knock sequences as pure values: a {@link knock.sequence.Step} is one packet the client sends (a TCP SYN or
 * UDP datagram to a port, or an ICMP echo told apart by its payload length), a {@link knock.sequence.Sequence}
 * the ordered steps that admit a source, and {@link knock.sequence.TimeDerivedSteps} the rule of a sequence whose
 * ports change every period (HMAC-SHA256 of a shared secret and the time step, within a {@link
 * knock.sequence.PortRange}). No I/O here; both the client and the server build on these.
 */
package knock.sequence;
