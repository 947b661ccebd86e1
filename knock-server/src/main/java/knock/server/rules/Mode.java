package knock.server.rules;

/** Who does the knocking logic. */
public enum Mode {
    /** knock-server watches knocks and writes the lists; the ruleset only guards the port. */
    DAEMON,
    /** Netfilter alone does the knock with xt_recent lists, as the original recipe; no daemon needed. */
    KERNEL
}
