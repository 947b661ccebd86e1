/**
 * The running daemon: one netty epoll event loop reads the knocks and owns the sequence state, the timers and the
 * control socket; SIGHUP reloads the config without losing progress or admissions.
 */
package knock.server.daemon;
