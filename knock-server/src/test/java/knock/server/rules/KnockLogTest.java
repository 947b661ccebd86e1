package knock.server.rules;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import org.junit.jupiter.api.Test;

class KnockLogTest {

    private static final ServerConfig TWO = ServerConfigReader.parse("k.conf", """
            [server]
            nflog-group = 77
            [sequence ssh]
            steps = 7000/tcp 8000/udp 7002/tcp
            knock-address = 198.18.0.1 fd6b:6e6f:636b::1
            [sequence web]
            steps = 9000/udp icmp/100
            knock-address = 198.18.0.1
            guard-port = 443
            scan-adjacent = 2
            list4 = web4
            list6 = web6
            """);

    private static List<String> rules(ServerConfig config, int family, Mode mode) {
        return Ruleset.render(config, family, mode).lines().toList();
    }

    private static List<String> logRules(List<String> rules) {
        return rules.stream().filter(r -> r.startsWith("-A INPUT") && r.contains("NFLOG")).toList();
    }

    @Test
    void daemonModeCopiesEveryKnockPortAndItsNeighboursOnceInMergedRanges() {
        List<String> v4 = rules(TWO, 4, Mode.DAEMON);
        assertEquals(List.of(
                "-A INPUT -p tcp -m tcp --dport 6999:7003 --tcp-flags SYN,RST,ACK,FIN SYN -j NFLOG --nflog-group 77",
                "-A INPUT -p udp -m udp --dport 7999:8001 -j NFLOG --nflog-group 77",
                "-A INPUT -p udp -m udp --dport 8998:9002 -j NFLOG --nflog-group 77",
                "-A INPUT -p icmp -m icmp --icmp-type 8 -j NFLOG --nflog-group 77"), logRules(v4));
        assertTrue(v4.stream().anyMatch(r -> r.startsWith("-A guard-ssh") && r.endsWith("-j NFLOG --nflog-group 77")),
                "the guard chain copies new connections to the same group:\n" + String.join("\n", v4));
        int established = v4.indexOf("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        int firstLog = v4.indexOf(logRules(v4).getFirst());
        int guard = v4.indexOf(v4.stream().filter(r -> r.startsWith("-A INPUT") && r.contains("-j guard-"))
                .findFirst().orElseThrow());
        assertTrue(established >= 0 && established < firstLog && firstLog < guard,
                "NFLOG rules belong after RELATED,ESTABLISHED and before the guard chains:\n" + String.join("\n", v4));
    }

    @Test
    void eachFamilyCopiesOnlyForTheSequencesThatKnockInIt() {
        assertEquals(List.of(
                "-A INPUT -p tcp -m tcp --dport 6999:7003 --tcp-flags SYN,RST,ACK,FIN SYN -j NFLOG --nflog-group 77",
                "-A INPUT -p udp -m udp --dport 7999:8001 -j NFLOG --nflog-group 77"), logRules(rules(TWO, 6, Mode.DAEMON)),
                "web knocks in IPv4 only: no 9000/udp, no ICMPv6");
        ServerConfig icmp6 = ServerConfigReader.parse("k.conf", """
                [sequence ssh]
                steps = icmp/64 1/udp 65535/tcp
                knock-address = fd6b:6e6f:636b::1
                """);
        assertEquals(List.of(
                "-A INPUT -p tcp -m tcp --dport 65534:65535 --tcp-flags SYN,RST,ACK,FIN SYN -j NFLOG --nflog-group 56625",
                "-A INPUT -p udp -m udp --dport 1:2 -j NFLOG --nflog-group 56625",
                "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j NFLOG --nflog-group 56625"),
                logRules(rules(icmp6, 6, Mode.DAEMON)), "ports clipped to 1-65535, the default group");
        assertEquals(List.of(), logRules(rules(icmp6, 4, Mode.DAEMON)), "no IPv4 knock address: nothing to copy");
    }

    @Test
    void kernelModeCopiesNothing() {
        assertEquals(List.of(), logRules(rules(TWO, 4, Mode.KERNEL)));
    }
}
