/**
 * Sends knocks: {@link knock.client.send.KnockSender} walks the steps against one resolved address
 * ({@link knock.client.send.Target}), a TCP SYN by an abandoned non-blocking connect, a UDP datagram, or an
 * ICMP/ICMPv6 echo request over a ping or raw socket ({@link knock.client.send.IcmpKnock}). Plain
 * {@code java.nio} where it does the job; FFM only for ICMP, and only when a sequence has an ICMP step.
 */
package knock.client.send;
