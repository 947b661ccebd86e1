package knock.server.track;

/**
 * What one packet did, summed over the sequences it touched: the most severe wins, in declaration order from
 * least to most severe. Details and the sources involved go to {@link TrackEvents}.
 */
public enum Outcome {
    /** Nothing: not a knock step or a neighbour of one, or a stray step from a source that has no progress. */
    IGNORED,
    /**
     * A repeat of the step just taken: a resend of the same packet (same source port, a SYN retransmit) while the
     * progress stands, or another packet within the duplicate grace. No change.
     */
    DUPLICATE,
    /** A listed source opened a connection to the guarded port: its admission was used, its hold-off ends. */
    CONNECTED,
    /** The source took a step (or started over at step 1) and has steps left. */
    ADVANCED,
    /** The source completed a sequence and was put on (or refreshed in) its list. */
    ADMITTED,
    /**
     * The source completed a sequence but its list is full (the kernel's {@code ip_list_tot}): it stays off, so
     * that the kernel never silently evicts a source admitted before.
     */
    REFUSED,
    /**
     * The source completed a time-derived knock that was completed before (or was live when the daemon started):
     * burned, it opens nothing. A sniffed knock replayed, or a user's second knock within one time step.
     */
    REPLAYED,
    /** A wrong or late step: the source starts over and, if it was listed, came off the list. */
    BROKEN,
    /** The scan guard fired: progress reset and, if it was listed, the source came off the list. */
    SCAN;

    Outcome max(Outcome other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
