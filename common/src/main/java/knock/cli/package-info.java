/**
 * The command-line edge both binaries share: {@link knock.cli.ErrorHandler} gives {@code knock} and
 * {@code knock-server} one voice for every failure, one line on stderr and the exit code the README lists;
 * {@link knock.cli.FailureLine} is that voice without picocli, for the paths that start without it.
 */
package knock.cli;
