/**
 * The daemon's local control socket (a Unix domain socket, owner-only): a client writes one command line,
 * the daemon answers with text and closes. {@code knock-server status} is its client.
 */
package knock.server.control;
