package knock.server.rules;

import java.net.InetAddress;
import java.util.List;

import knock.config.Cidr;
import knock.config.SequenceConfig;

/**
 * The guarded port's chain, as the recipe has it: established traffic first, static addresses, one connection
 * per source, a NEW connection accepted only within the window after the source was put on the list, and
 * a REJECT for stale entries (older than the window). Sources on no list fall through to the DROP policy and
 * never see the port.
 */
final class GuardChain {

    private GuardChain() {
    }

    static String name(SequenceConfig sequence) {
        return "guard-" + sequence.name();
    }

    static void add(Ruleset ruleset, SequenceConfig sequence) {
        Dialect d = ruleset.dialect();
        String chain = name(sequence);
        String list = sequence.list(ruleset.family());
        int port = sequence.guardPort();
        ruleset.chain(chain);
        List<InetAddress> addresses = sequence.guardAddresses(ruleset.family());
        if (addresses.isEmpty() && !sequence.guardAddresses().isEmpty()) {
            ruleset.comment("sequence " + sequence.name() + ": no IPv" + ruleset.family()
                    + " guard-address, port " + port + " stays closed in this family");
        }
        String toPort = "-p tcp -m tcp --sport 1024:65535 --dport " + port + " -j " + chain;
        if (sequence.guardAddresses().isEmpty()) {
            ruleset.rule("-A INPUT " + toPort);
        }
        for (InetAddress address : addresses) {
            ruleset.rule("-A INPUT -d " + d.host(address) + " " + toPort);
        }
        ruleset.rule("-A OUTPUT -p tcp -m tcp --sport " + port + " --dport 1024:65535 -j ACCEPT");

        ruleset.rule("-A " + chain + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        for (Cidr allowed : sequence.allow(ruleset.family())) {
            ruleset.rule("-A " + chain + " -s " + allowed + " -j ACCEPT");
        }
        if (sequence.maxConnections() > 0) {
            ruleset.rule("-A " + chain + " -m connlimit --connlimit-above " + sequence.maxConnections()
                    + " --connlimit-mask " + d.hostPrefix() + " -j REJECT --reject-with tcp-reset");
        }
        ruleset.rule("-A " + chain + " -m recent --rcheck --seconds " + seconds(sequence) + " --name " + list
                + " --rsource -j ACCEPT");
        ruleset.rule("-A " + chain + " -m recent --rcheck --name " + list + " --rsource -j REJECT --reject-with tcp-reset");
    }

    private static long seconds(SequenceConfig sequence) {
        return KernelKnock.seconds(sequence.window());
    }
}
