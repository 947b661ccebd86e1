/**
 * The {@code knock} command line (picocli): {@link knock.client.cli.KnockMain} starts it,
 * {@link knock.client.cli.KnockCommand} knocks (and waits), {@link knock.client.cli.ProxyCommand} is the ssh
 * {@code ProxyCommand}; both are a {@link knock.client.cli.KnockPlan} with a different ending. Every failure
 * becomes one line on stderr and its exit code ({@link knock.cli.ErrorHandler}, shared with knock-server),
 * listed in {@link knock.client.cli.ExitCode}.
 */
package knock.client.cli;
