/**
 * The kernel's xt_recent lists, which the firewall rules check: {@link knock.server.recent.RecentList} writes
 * one command per open+write+close ({@code +ADDR}, {@code -ADDR}, {@code /}) and parses the entries back;
 * {@link knock.server.recent.RecentLimits} reads the per-list size the kernel enforces. Failures are
 * {@link knock.server.recent.RecentListException}s (exit code 1), a missing list file a
 * {@link knock.server.recent.MissingListException} that says how to load the rules.
 */
package knock.server.recent;
