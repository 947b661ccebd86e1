package knock.server.track;

/** Why a source's progress broke. */
public enum Break {
    /** A knock step other than the expected one (or step 1, which restarts) on a knock address. */
    WRONG_STEP,
    /** The expected step, but after the step timeout. */
    LATE;

    private final String label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    /** The lower-case name for log lines ({@code reason=wrong-step}); a constant, no allocation. */
    public String label() {
        return label;
    }
}
