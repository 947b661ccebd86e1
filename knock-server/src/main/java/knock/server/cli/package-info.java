/**
 * The {@code knock-server} command line: one class per subcommand, each a {@code Callable<Integer>} that prints
 * only through picocli's writers. {@link knock.server.cli.ServerMain} is the only place that exits, and it starts
 * the daemon without picocli; every failure becomes one line on stderr through {@link knock.cli.ErrorHandler},
 * shared with {@code knock}.
 */
package knock.server.cli;
