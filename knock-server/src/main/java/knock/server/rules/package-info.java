/**
 * The iptables-restore text knock relies on, made from the config: the guarded port's chain (both modes), and
 * in kernel mode the recipe's knock done by netfilter alone with xt_recent lists. {@link
 * knock.server.rules.Ruleset} assembles a whole {@code *filter} table for one family; {@link
 * knock.server.rules.Dialect} holds what differs between iptables and ip6tables.
 */
package knock.server.rules;
