/**
 * The command-line edge both binaries share: {@link knock.cli.ErrorHandler} gives {@code knock} and
 * {@code knock-server} one voice for every failure, one line on stderr and the exit code the README lists.
 */
package knock.cli;
