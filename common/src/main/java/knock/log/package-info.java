/**
 * One-line log records for journald: {@code <6>open src=198.18.0.2 list=ssh4}, the level as the sd-daemon(3)
 * prefix, no timestamp (journald adds it), on stderr. Installed as the {@link java.lang.System.LoggerFinder},
 * so code logs through plain {@link java.lang.System.Logger}s, one per subsystem.
 */
package knock.log;
