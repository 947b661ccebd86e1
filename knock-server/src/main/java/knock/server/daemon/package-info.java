/**
 * The running daemon: one netty event loop owns the sequence state, the timers and the control socket; a
 * capture thread feeds it knocks; SIGHUP reloads the config without losing progress or admissions.
 */
package knock.server.daemon;
