package knock.server.rules;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import knock.config.ConfigException;
import knock.server.config.ServerConfig;
import knock.server.config.ServerConfigReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ruleset of a time-derived sequence: daemon mode copies its whole range, kernel mode refuses it. */
class TimeDerivedRulesTest {

    @TempDir
    Path dir;
    private Path secret;

    @BeforeEach
    void secretFile() throws IOException {
        secret = Files.writeString(dir.resolve("ssh.secret"), "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    private ServerConfig config(String protocols, String more) {
        return ServerConfigReader.parse("k.conf", """
                [sequence ssh]
                secret-file = %s
                port-range = 40000-49999
                protocols = %s
                knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                scan-adjacent = 2
                """.formatted(secret, protocols) + more);
    }

    private static List<String> nflog(ServerConfig config, int family) {
        return Ruleset.render(config, family, Mode.DAEMON).lines()
                .filter(r -> r.startsWith("-A INPUT") && r.contains("NFLOG")).toList();
    }

    @Test
    void daemonModeCopiesTheWholeRangeAndItsScanNeighboursForEachProtocolUsed() {
        for (int family : new int[] {4, 6}) {
            assertEquals(List.of(
                    "-A INPUT -p tcp -m tcp --dport 39998:50001 --tcp-flags SYN,RST,ACK,FIN SYN -j NFLOG --nflog-group 56625",
                    "-A INPUT -p udp -m udp --dport 39998:50001 -j NFLOG --nflog-group 56625"),
                    nflog(config("udp tcp udp", ""), family), "IPv" + family);
        }
        assertEquals(List.of("-A INPUT -p udp -m udp --dport 39998:50001 -j NFLOG --nflog-group 56625"),
                nflog(config("udp udp", ""), 4), "no tcp steps, no tcp rule");
    }

    @Test
    void aFixedStepBesideTheRangeMergesWithIt() {
        ServerConfig config = config("udp", """
                [sequence web]
                steps = 50003/udp 7000/udp
                knock-address = 198.18.0.1
                guard-port = 443
                list4 = web4
                list6 = web6
                """);
        assertEquals(List.of("-A INPUT -p udp -m udp --dport 6999:7001 -j NFLOG --nflog-group 56625",
                "-A INPUT -p udp -m udp --dport 39998:50004 -j NFLOG --nflog-group 56625"), nflog(config, 4));
    }

    @Test
    void kernelModeRefusesTimeDerivedPortsInOneLine() {
        for (int family : new int[] {4, 6}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> Ruleset.render(config("udp tcp udp", ""), family, Mode.KERNEL));
            assertEquals("k.conf: sequence ssh has time-derived ports, which change every 30s: kernel mode's rules "
                    + "are fixed when loaded (expected: --mode daemon, or steps for kernel mode)", e.getMessage());
            assertEquals(2, e.exitCode());
        }
    }
}
