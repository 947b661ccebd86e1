package knock.server.track;

/**
 * Sorts a packet for one sequence before any progress is looked at: a knock (a step on a knock address), a scan
 * (a neighbour of a step on any address of the box, or a step on another address of the box), or nothing.
 * An exact step wins over adjacency: a neighbour of one step may be another step. The hold-off, the third
 * rule of the guard, needs the admission history and is checked by {@link SequenceTracker} on completion.
 */
final class ScanGuard {

    /** How a packet relates to one sequence. */
    enum Hit {
        /** Neither a step nor a neighbour of one, or a step on another address with that check off. */
        NONE,
        /** A step of the sequence on one of its knock addresses. */
        KNOCK,
        /** A neighbour of a step: {@link Scan#ADJACENT}. */
        ADJACENT,
        /** A step on an address that is not a knock address: {@link Scan#OTHER_ADDRESS}. */
        OTHER_ADDRESS
    }

    private ScanGuard() {
    }

    static Hit classify(SequencePlan plan, int family, long dstHi, long dstLo, int protocol, int value) {
        if (plan.anyStep(protocol, value)) {
            if (plan.knockAddress(family, dstHi, dstLo)) {
                return Hit.KNOCK;
            }
            return plan.otherAddress ? Hit.OTHER_ADDRESS : Hit.NONE;
        }
        return plan.adjacent > 0 && plan.nearStep(protocol, value) ? Hit.ADJACENT : Hit.NONE;
    }
}
