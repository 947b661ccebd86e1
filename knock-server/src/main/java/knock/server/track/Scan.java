package knock.server.track;

/** Which rule of the scan guard fired. */
public enum Scan {
    /** A port (or ICMP payload length) within scan-adjacent of a knock step, on any address of the box. */
    ADJACENT,
    /** A knock step on an address of the box that is not one of the sequence's knock addresses. */
    OTHER_ADDRESS,
    /**
     * The sequence completed again within the hold-off of the source's previous admission, which the source never
     * used (no connection to the guarded port): a scanner repeating knock ports.
     */
    HOLD_OFF;

    private final String label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    /** The lower-case name for log lines ({@code kind=hold-off}); a constant, no allocation. */
    public String label() {
        return label;
    }
}
