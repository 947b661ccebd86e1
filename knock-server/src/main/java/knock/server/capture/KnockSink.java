package knock.server.capture;

import knock.server.Knock;

/**
 * Takes decoded packets addressed to this box: TCP SYNs (without ACK), UDP datagrams and ICMP/ICMPv6 echo
 * requests that reached the capture. Called on the capture's event loop, once per packet: it must not block and
 * should not allocate. The {@link Knock} is the caller's reused holder, valid only during the call.
 */
@FunctionalInterface
public interface KnockSink {

    /** One knock packet; copy what outlives the call. */
    void receive(Knock knock);
}
