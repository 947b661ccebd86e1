package knock.server.rules;

import java.net.InetAddress;
import java.util.List;

import knock.server.config.Cidr;
import knock.server.config.SequenceConfig;

/**
 * The guarded port's chain: established traffic first, then static addresses, then, for a source admitted
 * within the window only, the connection limit and the ACCEPT. Everything else falls through to the DROP
 * policy, so a source that is not admitted gets no answer at all, whatever it sends and however fast.
 *
 * <p>Pitfalls, each found in namespaces:
 * <ul>
 * <li>The recipe's {@code connlimit ... -j REJECT} sat before the list check and answered strangers: the
 * kernel's connection count still holds a dropped, unconfirmed SYN a few ms later, so the second of two SYNs in
 * a row got a RST from the guarded port alone. Here the limit's rule begins with the list check (matches run
 * left to right), so it only ever answers an admitted source, who knows the port anyway.</li>
 * <li>The recipe REJECTed stale entries (listed, window over). That answers exactly the source a scanner is
 * likely to be: one that replayed a sniffed knock from the same address, or knocked long ago, and the RST
 * proves a guarded port. Stale entries are dropped like strangers: nothing not currently admitted gets an
 * answer. The cost is small: an admitted user whose window ran out sees a timeout instead of a refusal.</li>
 * <li>Hold-off ends with use (a scanner repeats knock ports; a user connects): an admitted source's NEW
 * connection, once past the limit, takes the source off the hold-off list (kernel mode; {@code --remove}
 * matches only when the entry exists, so it gets a rule of its own without {@code -j}), or is copied to the
 * daemon over NFLOG (daemon mode), just before the ACCEPT.</li>
 * </ul>
 */
final class GuardChain {

    private GuardChain() {
    }

    static String name(SequenceConfig sequence) {
        return "guard-" + sequence.name();
    }

    static void add(Ruleset ruleset, SequenceConfig sequence, Mode mode, int nflogGroup) {
        Dialect d = ruleset.dialect();
        int family = ruleset.family();
        String chain = name(sequence);
        int port = sequence.guardPort();
        ruleset.chain(chain);
        List<InetAddress> addresses = sequence.guardAddresses(family);
        if (addresses.isEmpty() && !sequence.guardAddresses().isEmpty()) {
            ruleset.comment("sequence " + sequence.name() + ": no IPv" + family
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
        for (Cidr allowed : sequence.allow(family)) {
            ruleset.rule("-A " + chain + " -s " + allowed + " -j ACCEPT");
        }
        String admitted = "-m recent --rcheck --seconds " + KernelKnock.seconds(ruleset, sequence.window())
                + " --name " + sequence.list(family) + " --rsource";
        if (sequence.maxConnections() > 0) {
            ruleset.rule("-A " + chain + " -p tcp " + admitted + " -m connlimit --connlimit-above "
                    + sequence.maxConnections() + " --connlimit-mask " + d.hostPrefix()
                    + " -j REJECT --reject-with tcp-reset");
        }
        String newConnection = "-A " + chain + " -p tcp -m conntrack --ctstate NEW " + admitted;
        if (mode == Mode.KERNEL && sequence.knocksIn(family) && !sequence.scanGuard().holdOff().isZero()) {
            ruleset.rule(newConnection + " -m recent --remove --name " + KernelKnock.holdList(sequence, family)
                    + " --rsource");
        }
        if (mode == Mode.DAEMON) {
            ruleset.rule(newConnection + " -j NFLOG --nflog-group " + nflogGroup);
        }
        ruleset.rule("-A " + chain + " " + admitted + " -j ACCEPT");
    }
}
