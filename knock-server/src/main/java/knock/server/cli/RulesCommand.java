package knock.server.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;

import knock.server.config.ServerConfig;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code knock-server rules}: prints the ruleset for iptables-restore or ip6tables-restore. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Prints the firewall ruleset made from the config.",
                "For iptables-restore (--family 4) or ip6tables-restore (--family 6); it",
                "replaces the filter table: policy DROP, the guarded port open only to",
                "sources on the sequence's list within its window; nothing else a",
                "source sends gets an answer.",
                "  daemon mode: NFLOG rules copy the knocks to knock-server, which fills",
                "    the lists (after changing steps, load the rules again).",
                "  kernel mode: netfilter does the knock alone with xt_recent lists",
                "    (fixed steps only: time-derived ports change, the rules do not).",
                "Example:",
                "  knock-server rules -c knock-server.conf --family 6 | ip6tables-restore"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "2:bad usage or bad config"})
final class RulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--family", paramLabel = "4|6", defaultValue = "4", converter = Family.class,
            description = "Address family: 4 (iptables) or 6 (ip6tables). Default: ${DEFAULT-VALUE}.")
    int family;

    @Option(names = "--mode", paramLabel = "daemon|kernel", defaultValue = "daemon", completionCandidates = Modes.class,
            description = "Who does the knock: daemon (knock-server) or kernel (xt_recent rules alone). "
                    + "Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Override
    public Integer call() {
        ServerConfig read = config.read();
        spec.commandLine().getOut().print(Ruleset.render(read, family, mode));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The modes as users write them, for shell completion (picocli reads any case). */
    static final class Modes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    /** {@code --family}: 4 or 6, checked while picocli parses, so a bad one is a usage error like any other. */
    static final class Family implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return switch (value) {
                case "4" -> 4;
                case "6" -> 6;
                default -> throw new TypeConversionException(value + " (expected: 4 or 6)");
            };
        }
    }
}
