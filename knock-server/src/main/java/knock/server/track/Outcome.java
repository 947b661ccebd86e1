package knock.server.track;

/**
 * What one packet did, summed over the sequences it touched: the most severe wins, in declaration order from
 * least to most severe. Details and the sources involved go to {@link TrackEvents}.
 */
public enum Outcome {
    /** Nothing: not a knock step or a neighbour of one, or a stray step from a source that has no progress. */
    IGNORED,
    /** A repeat of the step just taken within the duplicate grace (a SYN retransmit): no change. */
    DUPLICATE,
    /** The source took a step (or started over at step 1) and has steps left. */
    ADVANCED,
    /** The source completed a sequence and was put on (or refreshed in) its list. */
    ADMITTED,
    /** A wrong or late step: the source starts over and, if it was listed, came off the list. */
    BROKEN,
    /** The scan guard fired: progress reset and, if it was listed, the source came off the list. */
    SCAN;

    Outcome max(Outcome other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
