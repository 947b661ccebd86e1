/**
 * The {@code knock-server} command line: one class per subcommand, each a {@code Callable<Integer>} that prints
 * only through picocli's writers. {@link knock.server.cli.ServerMain} turns knock's typed exceptions into one
 * line on stderr and is the only place that exits.
 */
package knock.server.cli;
