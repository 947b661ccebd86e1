package knock.server.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import knock.net.Source;

class RecentListTest {

    @TempDir
    Path dir;

    /** What the last command wrote; empties the file for the next one. */
    String written(RecentList list) throws IOException {
        String text = Files.readString(list.file());
        Files.writeString(list.file(), "");
        return text;
    }

    RecentList list(String name) throws IOException {
        Files.createFile(dir.resolve(name));
        return new RecentList(dir, name);
    }

    @Test
    void addRemoveAndFlushWriteOneCommandEach() throws IOException {
        RecentList ssh4 = list("ssh4");
        ssh4.add(InetAddress.ofLiteral("198.18.0.2"));
        assertEquals("+198.18.0.2", written(ssh4), "add command");
        ssh4.remove(4, 0, 0xc612_0002L);
        assertEquals("-198.18.0.2", written(ssh4), "remove command");
        ssh4.flush();
        assertEquals("/", written(ssh4), "flush command");
    }

    @Test
    void ipv6IsWrittenCompressedAndIpv4NeverWithAColon() throws IOException {
        RecentList ssh6 = list("ssh6");
        ssh6.add(Source.parse("fd6b:6e6f:636b:0000:0000:0000:0000:0002"));
        assertEquals("+fd6b:6e6f:636b::2", written(ssh6), "IPv6 add command");
        // an IPv4-mapped IPv6 source is an IPv6 source: it keeps its colons, for the IPv6 list
        ssh6.add(new Source(6, 0, 0xffff_c612_0002L));
        assertEquals("+::ffff:c612:2", written(ssh6), "mapped IPv6 add command");
        RecentList ssh4 = list("ssh4");
        // InetAddress turns ::ffff:198.18.0.2 into an Inet4Address: written dotted, never with a ':'
        ssh4.add(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                (byte) 198, 18, 0, 2}));
        String command = written(ssh4);
        assertFalse(command.contains(":"), "IPv4 written with a colon: " + command);
    }

    @Test
    void everyCommandIsItsOwnOpenWriteClose() throws IOException {
        RecentList ssh4 = list("ssh4");
        ssh4.add(4, 0, 0xc612_0016L);
        ssh4.remove(4, 0, 0x0102_0304L);
        // a second write on one fd would have appended; a fresh open writes at offset 0 over the first command
        assertEquals("-1.2.3.40.22", Files.readString(ssh4.file()), "commands shared one open file");
    }

    @Test
    void entriesAreParsedAndNormalised() throws IOException {
        Path file = dir.resolve("ssh6");
        Files.writeString(file, """
                src=fd6b:6e6f:636b:0000:0000:0000:0000:0002 ttl: 64 last_seen: 4295046714 oldest_pkt: 1 4295046714
                src=198.18.0.2 ttl: 0 last_seen: 4295046715 oldest_pkt: 2 4295046700, 4295046715
                """);
        List<RecentList.Entry> entries = new RecentList(dir, "ssh6").entries();
        assertEquals(2, entries.size(), "entries read");
        assertEquals("fd6b:6e6f:636b::2", entries.get(0).source().toString(), "IPv6 not normalised");
        assertEquals(64, entries.get(0).ttl(), "ttl");
        assertEquals(4295046714L, entries.get(0).lastSeen(), "last_seen");
        assertEquals(new Source(4, 0, 0xc612_0002L), entries.get(1).source(), "IPv4 entry");
    }

    @Test
    void aGarbledLineNamesFileAndLine() throws IOException {
        Files.writeString(dir.resolve("ssh4"), "src=198.18.0.2 ttl: 0 last_seen: 1 oldest_pkt: 1 1\nsrc=1.2.3 ttl\n");
        RecentListException e = assertThrows(RecentListException.class, () -> new RecentList(dir, "ssh4").entries());
        assertTrue(e.getMessage().startsWith(dir.resolve("ssh4") + ":2: 'src=1.2.3 ttl'"), e.getMessage());
        assertEquals(1, e.exitCode(), "exit code");
    }

    @Test
    void aMissingListSaysHowToLoadTheRules() {
        RecentList ssh4 = new RecentList(Path.of("/proc/net/xt_recent"), "knock_test_absent");
        MissingListException e = assertThrows(MissingListException.class, () -> ssh4.add(4, 0, 1));
        assertEquals("the list file /proc/net/xt_recent/knock_test_absent is missing; load the ruleset first: "
                + "knock-server rules --config FILE | iptables-restore (an IPv6 list: --family 6 | ip6tables-restore)", e.getMessage(), "missing-list message");
        assertEquals(1, e.exitCode(), "exit code");
        RecentList named = new RecentList(dir, "ssh4", Path.of("/etc/knock/knock.conf"));
        MissingListException r = assertThrows(MissingListException.class, named::entries);
        assertTrue(r.getMessage().endsWith("--config /etc/knock/knock.conf | iptables-restore (an IPv6 list: --family 6 | ip6tables-restore)"), r.getMessage());
    }

    @Test
    void listNamesCannotLeaveTheDirectory() {
        assertThrows(IllegalArgumentException.class, () -> new RecentList(dir, "../etc"), "../etc accepted");
        assertThrows(IllegalArgumentException.class, () -> new RecentList(dir, ".."), ".. accepted");
    }
}
