package knock.server.rules;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import org.junit.jupiter.api.Test;

class RulesetTest {

    private static ServerConfig config(String sequenceKeys) {
        return ServerConfigReader.parse("k.conf", "[sequence ssh]\n" + sequenceKeys);
    }

    private static List<String> rules(ServerConfig config, int family, Mode mode) {
        return Ruleset.render(config, family, mode).lines().toList();
    }

    private static int indexOf(List<String> rules, String rule) {
        int i = rules.indexOf(rule);
        assertTrue(i >= 0, "missing rule: " + rule + "\nin:\n" + String.join("\n", rules));
        return i;
    }

    @Test
    void theGuardedChainAnswersOnlyAdmittedSources() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1
                guard-address = 198.18.0.11
                allow = 203.0.113.7
                max-connections = 2
                """), 4, Mode.DAEMON);
        assertTrue(rules.contains(":INPUT DROP [0:0]"), "default policy must be DROP");
        int established = indexOf(rules, "-A guard-ssh -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        int allow = indexOf(rules, "-A guard-ssh -s 203.0.113.7/32 -j ACCEPT");
        int connlimit = indexOf(rules, "-A guard-ssh -p tcp -m recent --rcheck --seconds 90 --name ssh4 --rsource"
                + " -m connlimit --connlimit-above 2 --connlimit-mask 32 -j REJECT --reject-with tcp-reset");
        int used = indexOf(rules, "-A guard-ssh -p tcp -m conntrack --ctstate NEW -m recent --rcheck --seconds 90"
                + " --name ssh4 --rsource -j NFLOG --nflog-group 56625");
        int window = indexOf(rules, "-A guard-ssh -m recent --rcheck --seconds 90 --name ssh4 --rsource -j ACCEPT");
        assertTrue(established < allow && allow < connlimit && connlimit < used && used < window,
                "guard chain out of order: established, allow, connlimit, NFLOG, window");
        assertEquals(window, guardRules(rules).getLast(), "nothing after the window's ACCEPT: the rest is DROPped");
        for (int i : guardRules(rules)) {
            String rule = rules.get(i);
            assertTrue(i == established || i == allow || rule.contains(" -m recent --rcheck --seconds 90 --name ssh4 --rsource "),
                    "a guard rule that may act on a source not admitted: " + rule);
        }
        indexOf(rules, "-A INPUT -d 198.18.0.11/32 -p tcp -m tcp --sport 1024:65535 --dport 22 -j guard-ssh");
        indexOf(rules, "-A INPUT -i lo -j ACCEPT");
        assertTrue(rules.stream().noneMatch(r -> r.contains("knock-ssh")), "daemon mode has no kernel knock");
        assertTrue(rules.stream().noneMatch(r -> r.contains(".hold")), "daemon mode keeps hold-off in the daemon");
    }

    @Test
    void theDefaultLimitLetsAnScpBesideAnOpenSession() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1
                """), 4, Mode.DAEMON);
        assertTrue(rules.stream().anyMatch(r -> r.contains("--connlimit-above 4 ")), "default max-connections is 4");
    }

    @Test
    void withoutALimitNoRuleRejects() {
        for (Mode mode : Mode.values()) {
            for (int family : new int[] {4, 6}) {
                List<String> rules = rules(config("""
                        steps = 7000/udp
                        knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                        max-connections = 0
                        """), family, mode);
                assertTrue(rules.stream().noneMatch(r -> r.contains("REJECT") || r.contains("connlimit")),
                        mode + " IPv" + family + ": nothing may answer without a limit:\n" + String.join("\n", rules));
            }
        }
    }

    @Test
    void kernelModeEndsTheHoldOffWhenAnAdmittedSourceConnects() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                max-connections = 3
                """), 6, Mode.KERNEL);
        int connlimit = indexOf(rules, "-A guard-ssh -p tcp -m recent --rcheck --seconds 90 --name ssh6 --rsource"
                + " -m connlimit --connlimit-above 3 --connlimit-mask 128 -j REJECT --reject-with tcp-reset");
        int used = indexOf(rules, "-A guard-ssh -p tcp -m conntrack --ctstate NEW -m recent --rcheck --seconds 90"
                + " --name ssh6 --rsource -m recent --remove --name ssh6.hold --rsource");
        int window = indexOf(rules, "-A guard-ssh -m recent --rcheck --seconds 90 --name ssh6 --rsource -j ACCEPT");
        assertTrue(connlimit < used && used < window, "the hold-off ends only for a connection the limit lets in");
        assertTrue(rules.stream().noneMatch(r -> r.contains("NFLOG")), "kernel mode needs no daemon");
        List<String> noHold = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                hold-off = 0
                """), 6, Mode.KERNEL);
        assertTrue(noHold.stream().noneMatch(r -> r.contains(".hold")), "hold-off = 0 needs no hold list");
    }

    @Test
    void noSecondsValueWrapsInTheKernel() {
        // The longest durations the config accepts (Setting.MAX_DURATION).
        for (Mode mode : Mode.values()) {
            for (int family : new int[] {4, 6}) {
                List<String> rules = rules(config("""
                        steps = 7000/udp 8000/udp
                        knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                        window = 49d
                        step-timeout = 49d
                        hold-off = 49d
                        """), family, mode);
                List<Long> seconds = rules.stream().filter(r -> r.startsWith("-A ") && r.contains("--seconds "))
                        .map(r -> Long.parseLong(r.replaceAll(".*--seconds (\\d+).*", "$1"))).toList();
                assertFalse(seconds.isEmpty(), "no --seconds in " + mode + " IPv" + family);
                for (long s : seconds) {
                    assertTrue(s > 0 && s * 1000 < 1L << 32, "--seconds " + s + " wraps at HZ=1000 (" + mode
                            + " IPv" + family + ")");
                }
            }
        }
        assertEquals(90, KernelKnock.seconds(java.time.Duration.ofMillis(89_001)), "rounded up");
        assertEquals(KernelKnock.MAX_SECONDS, KernelKnock.seconds(java.time.Duration.ofDays(10_000)),
                "cut to the most the kernel counts");
    }

    /** Indexes of the guard chain's rules. */
    private static List<Integer> guardRules(List<String> rules) {
        return java.util.stream.IntStream.range(0, rules.size()).filter(i -> rules.get(i).startsWith("-A guard-ssh "))
                .boxed().toList();
    }

    @Test
    void kernelModeRemovesWideBeforeItSetsNarrow() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1
                """), 4, Mode.KERNEL);
        int step = indexOf(rules, "-A knock-ssh -d 198.18.0.1/32 -p udp -m udp --dport 7000 -g knock-ssh-1");
        int below = indexOf(rules, "-A knock-ssh -p udp -m udp --dport 6999 -g knock-ssh-reset");
        int above = indexOf(rules, "-A knock-ssh -p udp -m udp --dport 7001 -g knock-ssh-reset");
        int other = indexOf(rules, "-A knock-ssh -p udp -m udp --dport 7000 -g knock-ssh-reset");
        assertTrue(step < below && step < above && step < other, "the narrow step must be tried first");

        int hold = indexOf(rules,
                "-A knock-ssh-1 -m recent --rcheck --seconds 300 --name ssh4.hold --rsource -g knock-ssh-reset");
        int reset = indexOf(rules, "-A knock-ssh-1 -j knock-ssh-reset");
        int set = indexOf(rules, "-A knock-ssh-1 -m recent --set --name ssh4 --rsource");
        int setHold = indexOf(rules, "-A knock-ssh-1 -m recent --set --name ssh4.hold --rsource");
        assertTrue(hold < reset && reset < set && set < setHold,
                "the per-source limit must come before --set, or it limits nothing");
        indexOf(rules, "-A knock-ssh-reset -m recent --remove --name ssh4 --rsource");
        assertTrue(rules.stream().noneMatch(r -> r.contains("-m limit")), "the global limit of the recipe is gone");
    }

    @Test
    void kernelModeChainsOneListPerStep() {
        List<String> rules = rules(config("""
                steps = 7000/tcp 8000/udp icmp/64
                knock-address = 198.18.0.1
                step-timeout = 4s
                """), 4, Mode.KERNEL);
        int third = indexOf(rules, "-A knock-ssh -d 198.18.0.1/32 -p icmp -m icmp --icmp-type 8 -m length --length 92"
                + " -m recent --rcheck --seconds 4 --name ssh4.2 --rsource -g knock-ssh-3");
        int second = indexOf(rules, "-A knock-ssh -d 198.18.0.1/32 -p udp -m udp --dport 8000"
                + " -m recent --rcheck --seconds 4 --name ssh4.1 --rsource -g knock-ssh-2");
        int first = indexOf(rules, "-A knock-ssh -d 198.18.0.1/32 -p tcp -m tcp --dport 7000"
                + " --tcp-flags SYN,RST,ACK,FIN SYN -g knock-ssh-1");
        assertTrue(third < second && second < first, "steps are tried last to first");
        indexOf(rules, "-A knock-ssh-1 -m recent --set --name ssh4.1 --rsource");
        indexOf(rules, "-A knock-ssh-2 -m recent --set --name ssh4.2 --rsource");
        indexOf(rules, "-A knock-ssh-3 -m recent --set --name ssh4 --rsource");
        for (String list : List.of("ssh4.1", "ssh4.2", "ssh4")) {
            indexOf(rules, "-A knock-ssh-reset -m recent --remove --name " + list + " --rsource");
        }
        indexOf(rules, "-A knock-ssh -p icmp -m icmp --icmp-type 8 -m length --length 91 -g knock-ssh-reset");
    }

    @Test
    void ipv6UsesIcmpv6AndItsOwnListAndHeaderSize() {
        List<String> rules = rules(config("""
                steps = 7000/tcp icmp/64
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                guard-address = fd6b:6e6f:636b::11
                """), 6, Mode.KERNEL);
        indexOf(rules, "-A knock-ssh -d fd6b:6e6f:636b:0:0:0:0:1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 128"
                + " -m length --length 112 -m recent --rcheck --seconds 10 --name ssh6.1 --rsource -g knock-ssh-2");
        indexOf(rules, "-A knock-ssh-2 -m recent --set --name ssh6 --rsource");
        indexOf(rules, "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j ACCEPT");
        indexOf(rules, "-A guard-ssh -m recent --rcheck --seconds 90 --name ssh6 --rsource -j ACCEPT");
        assertTrue(rules.stream().noneMatch(r -> r.contains("198.18.")), "no IPv4 address in an IPv6 ruleset");
    }

    @Test
    void aFamilyWithoutKnockAddressHasNoKnockChain() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1
                """), 6, Mode.KERNEL);
        assertTrue(rules.stream().noneMatch(r -> r.contains("knock-ssh")), "no IPv6 knock address, no IPv6 knock");
        indexOf(rules, "-A guard-ssh -m recent --rcheck --seconds 90 --name ssh6 --rsource -j ACCEPT");
    }

    @Test
    void scanGuardSettingsShapeTheWideRules() {
        List<String> rules = rules(config("""
                steps = 7000/udp
                knock-address = 198.18.0.1
                scan-adjacent = 3
                scan-other-address = no
                hold-off = 0
                """), 4, Mode.KERNEL);
        indexOf(rules, "-A knock-ssh -p udp -m udp --dport 6997:6999 -g knock-ssh-reset");
        indexOf(rules, "-A knock-ssh -p udp -m udp --dport 7001:7003 -g knock-ssh-reset");
        indexOf(rules, "-A knock-ssh -d 198.18.0.1/32 -p udp -m udp --dport 7000 -g knock-ssh-reset");
        assertFalse(rules.contains("-A knock-ssh -p udp -m udp --dport 7000 -g knock-ssh-reset"),
                "scan-other-address = no must not reset on other addresses");
        assertTrue(rules.stream().noneMatch(r -> r.contains(".hold")), "hold-off = 0 needs no hold list");
    }
}
