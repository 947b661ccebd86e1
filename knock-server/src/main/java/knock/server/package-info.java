/**
 * knock-server: the daemon that watches knocks and manages the kernel's xt_recent lists, and the commands
 * around it. {@link knock.server.Knock} is the one shape a packet has on its way through: {@code capture}
 * fills it, {@code track} judges it, {@code recent} writes the kernel lists, and only {@code daemon} joins them.
 */
package knock.server;
