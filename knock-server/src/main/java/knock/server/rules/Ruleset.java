package knock.server.rules;

import java.util.ArrayList;
import java.util.List;

import knock.config.ConfigException;
import knock.config.Durations;
import knock.server.config.SequenceConfig;
import knock.server.config.ServerConfig;

/**
 * A whole {@code *filter} table in iptables-restore format for one family, made from the config: default policy
 * DROP, loopback and established traffic allowed, IPv6 neighbour discovery allowed, then per sequence its knock
 * chains (kernel mode) and its guard chain. Loading it replaces the filter table; that is the point, a firewall
 * whose policy is DROP, as the recipe's.
 *
 * <p>Chains are declared before any rule names them (iptables-nft refuses a jump to a chain declared later).
 */
public final class Ruleset {

    private final Dialect dialect;
    private final List<String> chains = new ArrayList<>();
    private final List<String> rules = new ArrayList<>();

    private Ruleset(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Renders the ruleset.
     *
     * @param family 4 for iptables-restore, 6 for ip6tables-restore
     */
    public static String render(ServerConfig config, int family, Mode mode) {
        if (mode == Mode.KERNEL) {
            // Its one step would be a plain UDP knock to the spa-port: anyone's datagram would open.
            config.sequences().stream().filter(SequenceConfig::signed).findFirst().ifPresent(s -> {
                throw new ConfigException(config.source().toString(), "sequence " + s.name() + " has spa-port: "
                        + "kernel mode cannot check signatures (expected: --mode daemon, or steps)");
            });
            refuseTimeDerived(config);
        }
        Dialect dialect = Dialect.of(family);
        Ruleset ruleset = new Ruleset(dialect);
        ruleset.rule("-A INPUT -i lo -j ACCEPT");
        ruleset.rule("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        if (dialect == Dialect.V6) {
            // Without neighbour discovery no IPv6 packet arrives at all; hop limit 255 proves it is on-link.
            for (String type : List.of("neighbour-solicitation", "neighbour-advertisement", "router-advertisement")) {
                ruleset.rule("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type " + type + " -m hl --hl-eq 255 -j ACCEPT");
            }
        }
        if (mode == Mode.DAEMON) {
            KnockLog.add(ruleset, config);
        }
        for (SequenceConfig sequence : config.sequences()) {
            if (mode == Mode.KERNEL && sequence.knocksIn(family)) {
                KernelKnock.add(ruleset, sequence);
            }
            GuardChain.add(ruleset, sequence, mode, config.daemon().nflogGroup());
        }
        StringBuilder text = new StringBuilder();
        text.append("# knock-server rules: ").append(dialect.restoreCommand).append(", ")
                .append(mode.name().toLowerCase(java.util.Locale.ROOT)).append(" mode, from ")
                .append(config.source()).append('\n');
        text.append("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        for (String chain : ruleset.chains) {
            text.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String rule : ruleset.rules) {
            text.append(rule).append('\n');
        }
        return text.append("COMMIT\n").toString();
    }

    /**
     * Kernel mode's knock chains match fixed ports, loaded once; a time-derived sequence's ports change every
     * period, and only the daemon follows them.
     */
    private static void refuseTimeDerived(ServerConfig config) {
        for (SequenceConfig sequence : config.sequences()) {
            if (sequence.sequence().timeDerived()) {
                throw new ConfigException(config.source().toString(), "sequence " + sequence.name()
                        + " has time-derived ports, which change every "
                        + Durations.text(sequence.sequence().derived().period()) + ": kernel mode's rules are fixed "
                        + "when loaded (expected: --mode daemon, or steps for kernel mode)");
            }
        }
    }

    Dialect dialect() {
        return dialect;
    }

    int family() {
        return dialect.family;
    }

    void chain(String name) {
        chains.add(name);
    }

    void rule(String rule) {
        rules.add(rule);
    }

    void comment(String text) {
        rules.add("# " + text);
    }
}
