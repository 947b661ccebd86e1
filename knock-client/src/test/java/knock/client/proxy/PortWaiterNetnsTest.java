package knock.client.proxy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import knock.server.config.ServerConfigReader;
import knock.server.rules.Mode;
import knock.server.rules.Ruleset;
import knock.testnet.ExecResult;
import knock.testnet.Host;
import knock.testnet.HostProcess;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import knock.testnet.TestNetwork;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code knock --wait fw && ssh fw}, a hundred times in a row, against a real sshd behind the kernel-mode
 * ruleset with the strictest connection limit ({@code max-connections = 1}) and the default hold-off: the
 * {@code --wait} probe must leave nothing that counts against the limit when ssh connects a moment later, and
 * its connection must end the hold-off so the next knock admits again.
 *
 * <p>The knock and the probe run in this JVM on the client namespace's thread (the real {@link PortWaiter};
 * a JVM per try would take a minute); "ssh" is a connection that reads sshd's identification line, as ssh's
 * first step, opened {@link #GAP} after the probe returns, once, with no retry.
 */
@NetnsTest
class PortWaiterNetnsTest {

    private static final int TRIES = 100;
    /**
     * Between knock's probe and ssh's SYN: knock's JVM exits and ssh starts, tens of ms. At least one jiffy
     * (10 ms at HZ=100) matters: nf_conncount collects closed connections at most once per jiffy per source
     * (nf_conncount.c: {@code (u32)jiffies == list->last_gc}), so a SYN in the very jiffy of the probe's still
     * counts the probe, RST or not.
     */
    private static final Duration GAP = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void waitThenSshSucceedsAHundredTimesInARow() throws IOException {
        try (TestNetwork net = TestNetwork.create()) {
            Host fw = net.fw();
            Host client = net.client();
            HostProcess sshd = sshd(fw);
            var config = ServerConfigReader.parse("test.conf", """
                    [sequence ssh]
                    steps = 7000/udp
                    knock-address = 198.18.0.1 fd6b:6e6f:636b::1
                    guard-address = 198.18.0.11 fd6b:6e6f:636b::11
                    max-connections = 1
                    """);
            fw.loadRules(4, Ruleset.render(config, 4, Mode.KERNEL));
            fw.loadRules(6, Ruleset.render(config, 6, Mode.KERNEL));
            assertEquals(Reach.HIDDEN, client.tcp(TestNetwork.SSH4, 22, Duration.ofMillis(300)), "22 open before a knock");

            List<String> failures = new ArrayList<>();
            for (int i = 0; i < TRIES; i++) {
                boolean v4 = i % 2 == 0;
                String knock = v4 ? TestNetwork.KNOCK4 : TestNetwork.KNOCK6;
                InetAddress ssh = InetAddress.ofLiteral(v4 ? TestNetwork.SSH4 : TestNetwork.SSH6);
                client.knockUdp(knock, 7000);
                String outcome = client.call(() -> {
                    try {
                        new PortWaiter(ssh, 22, null).probe(Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        return "knock --wait: " + e.getMessage();
                    }
                    Thread.sleep(GAP);
                    return sshIdentification(ssh);
                });
                if (!outcome.startsWith("SSH-2.0-")) {
                    failures.add("try " + (i + 1) + " (IPv" + (v4 ? 4 : 6) + "): " + outcome);
                }
            }
            assertEquals(List.of(), failures, failures.size() + " of " + TRIES + " tries of knock --wait && ssh failed:\n"
                    + String.join("\n", failures) + "\nsshd:\n" + sshd.output());
        }
    }

    /** Connects once, as ssh would, and returns sshd's identification line, or what went wrong. */
    private static String sshIdentification(InetAddress address) throws IOException {
        try (SocketChannel channel = SocketChannel.open(address.getAddress().length == 4
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6)) {
            try {
                channel.socket().connect(new InetSocketAddress(address, 22), 2000);
            } catch (IOException e) {
                return "ssh: connect: " + e;
            }
            channel.socket().setSoTimeout(2000);
            ByteBuffer buffer = ByteBuffer.allocate(256);
            var in = channel.socket().getInputStream();
            int n;
            while (buffer.hasRemaining() && (n = in.read()) >= 0) {
                buffer.put((byte) n);
                if (n == '\n') {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        }
    }

    /** A real sshd on fw's SSH addresses with a throwaway host key (started before any ruleset hides it). */
    private HostProcess sshd(Host fw) throws IOException {
        Path sshd = Path.of("/usr/sbin/sshd");
        if (!Files.isExecutable(sshd)) {
            String missing = "needs /usr/sbin/sshd (apt-get install openssh-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        Path key = dir.resolve("host");
        ExecResult keygen = fw.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        assertTrue(keygen.ok(), "ssh-keygen: " + keygen.stderr());
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        Path config = Files.writeString(dir.resolve("sshd_config"), """
                ListenAddress 198.18.0.11
                ListenAddress fd6b:6e6f:636b::11
                HostKey %s
                PidFile none
                UsePAM no
                MaxStartups 200
                """.formatted(key));
        HostProcess process = fw.start(sshd.toString(), "-D", "-e", "-f", config.toString());
        assertTrue(TestNetwork.eventually(Duration.ofSeconds(10),
                        () -> fw.tcp(TestNetwork.SSH4, 22, Duration.ofMillis(300)) == Reach.OPEN
                                && fw.tcp(TestNetwork.SSH6, 22, Duration.ofMillis(300)) == Reach.OPEN),
                "sshd did not come up in fw: " + process.output());
        return process;
    }
}
