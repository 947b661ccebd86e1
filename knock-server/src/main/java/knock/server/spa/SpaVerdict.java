package knock.server.spa;

/**
 * What became of one datagram to a spa-port, in the order the checks run. Each is counted; all but
 * {@link #ADMIT} are refusals, logged with their source at a bounded rate.
 */
public enum SpaVerdict {
    /** Signed by an authorized key, fresh, for a sequence it may open: the tracker admits. */
    ADMIT("admit"),
    /** Wrong length or gate MAC: not made by a client of this server's key (junk, a scan, another server's). */
    GATE("gate"),
    /** Seen before (the same representative): a replay. */
    REPLAY("replay"),
    /** Its source (or /64) sent more than its share of gated datagrams. */
    SOURCE_RATE("source-rate"),
    /** The global budget of public-key work for this second is spent. */
    BUDGET("budget"),
    /** Passed the gate but does not decrypt under this server's key. */
    SEAL("seal"),
    /** Decrypted but does not parse, or names another server. */
    FORMAT("format"),
    /** Its timestamp is outside spa-max-age of the server's clock, or before the daemon started. */
    STALE("stale"),
    /** Signed with a key not in authorized-keys. */
    UNKNOWN_KEY("unknown-key"),
    /** Asks for a sequence that is not a signed one on this port and address, or one the key may not open. */
    SEQUENCE("sequence"),
    /** The source is outside the key's from=. */
    FROM("from"),
    /** Asks to admit another address than its source, which the key's admit= does not allow. */
    ADMIT_ADDRESS("admit-address"),
    /** The signature does not verify. */
    SIGNATURE("signature"),
    /** Every replay-cache entry is live: refused rather than forget one early. */
    REPLAY_FULL("replay-full");

    /** The word in logs and status. */
    public final String label;

    SpaVerdict(String label) {
        this.label = label;
    }
}
