package knock.server.daemon;

/**
 * What the daemon has done since start, for {@code status}. Written on the event loop only; read there too
 * (status is served on the loop), so plain fields suffice.
 */
final class Counters {
    long knocks;
    long admits;
    /** Completions refused because their list held as many entries as the kernel keeps. */
    long refusals;
    /** Completions of a time-derived knock that was burned (completed before): nothing opened. */
    long replays;
    /** Connections of listed sources to a guarded port (admissions used). */
    long connections;
    /** Listed sources the kernel list no longer held when status looked. */
    long lost;
    long resets;
    long scans;
    long expiries;
    long listErrors;
}
