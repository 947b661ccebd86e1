/**
 * The {@code knock} command line (picocli): {@link knock.client.cli.KnockMain} starts it,
 * {@link knock.client.cli.KnockCommand} knocks (and waits), {@link knock.client.cli.ProxyCommand} is the ssh
 * {@code ProxyCommand}. {@link knock.client.cli.ErrorHandler} turns every failure into one line on stderr and
 * its exit code, listed in {@link knock.client.cli.ExitCode}.
 */
package knock.client.cli;
