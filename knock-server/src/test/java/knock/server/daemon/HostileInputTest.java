package knock.server.daemon;

import static knock.packet.TestPackets.*;
import static knock.testnet.TestNetwork.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import knock.testnet.ExecResult;
import knock.testnet.NetnsTest;
import knock.testnet.Reach;
import org.junit.jupiter.api.Test;

/**
 * The daemon under a hostile network: crafted frames put on the scanner's wire (truncated, malformed,
 * fragments, bogus IPv6 header chains, spoofed sources) and a burst of 10,000 distinct spoofed sources. It
 * stays up, its tables stay at their cap, its memory stays bounded, and a legitimate knock still opens.
 */
@NetnsTest
class HostileInputTest extends DaemonTestBase {

    private static final int FLOOD = 10_000;
    private static final int CAP = 1000;

    private void send(byte[] mac, List<byte[]> v4, List<byte[]> v6) {
        sendFrames(scanner, mac, v4, v6);
    }

    private static List<byte[]> malformedIpv4() {
        List<byte[]> packets = new ArrayList<>();
        byte[] good = ipv4(SCANNER4, KNOCK4, UDP, udp(8000, 4));
        packets.add(java.util.Arrays.copyOf(good, 10));                      // truncated header
        byte[] badVersion = good.clone();
        badVersion[0] = 0x55;
        setChecksum(badVersion, 20);
        packets.add(badVersion);                                              // version 5
        byte[] longer = good.clone();
        longer[2] = 0x7f;
        setChecksum(longer, 20);
        packets.add(longer);                                                  // total length past the end
        byte[] badChecksum = good.clone();
        badChecksum[10] ^= 0x55;
        packets.add(badChecksum);
        packets.add(ipv4(SCANNER4, KNOCK4, UDP, 0x2000, udp(8000, 16)));      // first fragment
        packets.add(ipv4(SCANNER4, KNOCK4, UDP, 0x0003, udp(8001, 16)));      // a later fragment
        packets.add(ipv4(SCANNER4, KNOCK4, TCP, java.util.Arrays.copyOf(tcp(7000, SYN), 8))); // short TCP
        packets.add(ipv4("198.18.0.77", KNOCK4, TCP, tcp(7000, SYN)));        // spoofed source
        return packets;
    }

    private static List<byte[]> bogusIpv6() {
        List<byte[]> packets = new ArrayList<>();
        byte[][] chain = new byte[12][];
        for (int i = 0; i < chain.length - 1; i++) {
            chain[i] = ext(60, 1);
        }
        chain[chain.length - 1] = udp(8000, 4);
        packets.add(ipv6(SCANNER6, KNOCK6, 60, chain));                       // too many extension headers
        byte[] overlong = ext(17, 1);
        overlong[1] = (byte) 200;
        packets.add(ipv6(SCANNER6, KNOCK6, 0, overlong, udp(8000, 4)));      // header length past the end
        packets.add(ipv6(SCANNER6, KNOCK6, 44, fragment(17, 5, false), udp(8000, 4))); // non-first fragment
        byte[] truncated = ipv6(SCANNER6, KNOCK6, 17, udp(8000, 4));
        packets.add(java.util.Arrays.copyOf(truncated, 30));                 // cut inside the header
        byte[] lying = ipv6(SCANNER6, KNOCK6, 6, tcp(7000, SYN));
        lying[4] = 0x10;                                                      // payload length past the end
        packets.add(lying);
        return packets;
    }

    /** {@code FLOOD} distinct spoofed IPv6 sources in the test range, each taking step 1. */
    private static List<byte[]> spoofedFlood(int from, int count) {
        List<byte[]> packets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String source = "fd6b:6e6f:636b:0:1:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff)
                    + ":9";
            packets.add(ipv6(source, KNOCK6, TCP, tcp(7000, SYN)));
        }
        return packets;
    }

    private long rssKiB(DaemonUnderTest daemon) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for pid " + daemon.pid());
    }

    private static long counter(String status, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(status);
        assertTrue(m.find(), "no " + name + " in status:\n" + status);
        return Long.parseLong(m.group(1));
    }

    @Test
    void malformedPacketsAndASpoofedFloodLeaveTheDaemonUpBoundedAndOpenToALegitimateKnock() throws Exception {
        DaemonUnderTest daemon = new DaemonUnderTest(fw, dir, sequence(""));
        String config = Files.readString(daemon.config).replace("log-level = debug", "log-level = info\nmax-sources = "
                + CAP);
        Files.writeString(daemon.config, config);
        loadRules(daemon);
        daemon.start();
        byte[] mac = fwMac();

        send(mac, malformedIpv4(), bogusIpv6());
        send(mac, List.of(), spoofedFlood(0, 1000));
        long rssBefore = rssKiB(daemon);

        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            for (int from = 1000; from < FLOOD; from += 1000) {
                send(mac, List.of(), spoofedFlood(from, 1000));
            }
        });
        knock(client, 4);
        assertOpens(client, 4, "while the flood runs");
        flood.get();

        assertTrue(daemon.isAlive(), "the daemon died:\n" + daemon.output());
        ExecResult status = daemon.status();
        assertEquals(0, status.exitCode(), status.stderr());
        String text = status.stdout();
        assertTrue(counter(text, "sources") <= CAP, "the source table grew past its cap:\n" + text);
        assertTrue(counter(text, "evictions") >= FLOOD - CAP, "the flood did not evict the oldest:\n" + text);
        // Some of the crafted packets die in the kernel's filter already; those that reach user space are counted.
        assertTrue(counter(text, "malformed") >= 3 && counter(text, "fragments") >= 1,
                "malformed packets and fragments were not counted:\n" + text);
        assertTrue(counter(text, "knocks") >= FLOOD, "the flood did not reach the tracker:\n" + text);
        long growth = rssKiB(daemon) - rssBefore;
        assertTrue(growth < 64 * 1024, "RSS grew by " + growth + " KiB under the flood");

        assertFalse(fw.readList("ssh4").contains("198.18.0.77"), "a spoofed single SYN must not admit");
        assertTrue(fw.readList("ssh6").isEmpty(), "the flood put sources on ssh6: " + fw.readList("ssh6"));
        knock(scanner, 6);
        assertOpens(scanner, 6, "after the flood");
        assertEquals(Reach.OPEN, ssh(client, 4), "the client admitted during the flood lost its access");
    }
}
