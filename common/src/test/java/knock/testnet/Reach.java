package knock.testnet;

/** What a TCP connect from one host to another ran into: how a firewall looks from the outside. */
public enum Reach {
    /** The handshake completed: something listens and the firewall lets us in. */
    OPEN,
    /** No answer before the timeout: the SYN was dropped (or nothing is there to answer at all). */
    HIDDEN,
    /** An answer that says no: a TCP reset (nothing listens, or REJECT with tcp-reset) or an ICMP error. */
    REJECTED
}
