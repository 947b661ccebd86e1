/**
 * What comes after the knocks: {@link knock.client.proxy.PortWaiter} polls the guarded port until it accepts,
 * {@link knock.client.proxy.Relay} carries a {@code ProxyCommand}'s stdin/stdout to the socket and back with
 * half-close, and {@link knock.client.proxy.FdPass} hands the connected socket to ssh
 * ({@code ProxyUseFdpass}) so that no JVM stays for the session. Blocking sockets and two threads: an event
 * loop would cost start-up time and buy nothing for one connection.
 */
package knock.client.proxy;
