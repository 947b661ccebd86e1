/**
 * The netns test fixture every module's integration tests share (common's test-jar): {@link
 * knock.testnet.TestNetwork} builds the firewall, client and scanner hosts of DESIGN.md in network namespaces
 * of their own, on one bridge; {@link knock.testnet.Host} runs commands, loads rulesets, reads xt_recent
 * lists, listens, probes ({@link knock.testnet.Reach}) and knocks there, opening its sockets inside the
 * namespace from the JVM through setns(2) (FFM) rather than a process per probe; {@link
 * knock.testnet.NetnsTest} skips such tests for a normal user and fails them, never skips, under
 * {@code CI=true}. Modelled on wireguard-go's {@code tests/netns.sh}: names unique per run, stale
 * namespaces removed first, only PIDs we started are killed.
 */
package knock.testnet;
