/**
 * The daemon's decisions, as pure logic with time as an argument: {@link knock.server.track.SequenceTracker}
 * moves each source along the config's knock sequences packet by packet, admits, breaks and scan-removes per the
 * port-knocking recipe, and schedules expiries; it reports through {@link knock.server.track.TrackEvents} and
 * writes nothing itself. Per-source progress lives in a capped, evicting open-addressing table keyed by the
 * address as primitives ({@code SourceTable}); admissions and hold-offs in a separate bounded table with a
 * deadline heap ({@code Admissions}), so a flood never costs an admitted source its expiry. The per-packet path
 * allocates nothing.
 */
package knock.server.track;
