package knock.server.capture;

import static knock.net.BpfProgram.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import knock.config.SequenceConfig;
import knock.net.BpfProgram;
import knock.sequence.Protocol;
import knock.sequence.Step;

/**
 * Generates the in-kernel classic BPF filter from the config, so that user space wakes only for packets a
 * sequence could care about; a flood of anything else costs no context switch. It passes packets addressed to
 * this host ({@code PACKET_HOST}) that are:
 * <ul>
 * <li>TCP with SYN set and ACK clear, or UDP, to a port within {@code scan-adjacent} of a step port of that
 *     protocol in any sequence (the neighbours too: the scan guard must see them);
 * <li>ICMP echo requests (type 8) and ICMPv6 echo requests (type 128), when any step is ICMP;
 * <li>IPv6 packets whose next header is an extension header (hop-by-hop, routing, fragment, AH, destination
 *     options): cBPF cannot walk a chain, {@link knock.packet.PacketDecoder} does.
 * </ul>
 * Non-first IPv4 fragments are rejected here; IPv4 first fragments pass and are judged in user space. The program
 * does not look at destination addresses: a knock port hit on another address is the scan guard's business.
 *
 * <p>Port ranges are merged and tested in ascending order with local returns, so every conditional jump stays
 * short; each range costs four instructions. A config with more ranges than fit the kernel's 4096-instruction cap
 * (about 970) gets a filter that passes every TCP SYN and UDP port: user space then does the sorting.
 */
public final class KnockFilter {

    /** What an accepting filter returns: keep the whole packet (more than any IP packet). */
    static final int ACCEPT = 0x40000;
    /** Room for range tests in the kernel's cap, with the fixed part (~60 instructions) left over. */
    static final int MAX_RANGE_INSTRUCTIONS = BpfProgram.MAX_INSTRUCTIONS - 200;
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86dd;

    private KnockFilter() {
    }

    /** The filter for {@code sequences}; one that rejects everything if none has a step. */
    public static BpfProgram build(List<SequenceConfig> sequences) {
        List<int[]> tcp = ranges(sequences, Protocol.TCP);
        List<int[]> udp = ranges(sequences, Protocol.UDP);
        boolean icmp = sequences.stream()
                .anyMatch(s -> s.sequence().steps().stream().anyMatch(st -> st.protocol() == Protocol.ICMP));
        return build(tcp, udp, icmp);
    }

    static BpfProgram build(List<int[]> tcp, List<int[]> udp, boolean icmp) {
        if (4 * (tcp.size() + udp.size()) > MAX_RANGE_INSTRUCTIONS) {
            // Past the kernel's cap: pass every port and let user space sort them out. Costlier, never wrong.
            List<int[]> all = List.<int[]>of(new int[] {1, 65535});
            tcp = tcp.isEmpty() ? tcp : all;
            udp = udp.isEmpty() ? udp : all;
        }
        String tcpTarget = tcp.isEmpty() ? "reject" : "tcp.jump";
        String udpTarget = udp.isEmpty() ? "reject" : "udp.jump";
        String icmp4 = icmp ? "icmp4" : "reject";
        String icmp6 = icmp ? "icmp6" : "reject";
        Builder b = BpfProgram.builder()
                .ldAncillary(SKF_AD_PKTTYPE)
                .jump(JMP | JEQ | K, 0, null, "reject") // PACKET_HOST only
                .ldAncillary(SKF_AD_PROTOCOL)
                .jump(JMP | JEQ | K, ETH_P_IP, null, "not4")
                // IPv4: version 4, first fragment or none, then X = header length
                .ldAbs(B, 0).and(0xf0)
                .jump(JMP | JEQ | K, 0x40, null, "reject")
                .ldAbs(H, 6)
                .jump(JMP | JSET | K, 0x1fff, "reject", null)
                .ldxMsh(0)
                .ldAbs(B, 9)
                .jump(JMP | JEQ | K, 6, tcpTarget, null)
                .jump(JMP | JEQ | K, 17, udpTarget, null)
                .jump(JMP | JEQ | K, 1, icmp4, "reject")
                .label("not4")
                .jump(JMP | JEQ | K, ETH_P_IPV6, null, "reject")
                .ldAbs(B, 0).and(0xf0)
                .jump(JMP | JEQ | K, 0x60, null, "reject")
                .ldxImm(40)
                .ldAbs(B, 6)
                .jump(JMP | JEQ | K, 6, tcpTarget, null)
                .jump(JMP | JEQ | K, 17, udpTarget, null)
                .jump(JMP | JEQ | K, 58, icmp6, null);
        // Extension headers: hop-by-hop, routing, fragment, AH, destination options go to user space.
        for (int header : new int[] {0, 43, 44, 51, 60}) {
            b.jump(JMP | JEQ | K, header, "accept", null);
        }
        b.ja("reject")
                .label("accept").ret(ACCEPT)
                .label("reject").ret(0)
                .label("tcp.jump").ja("tcp")
                .label("udp.jump").ja("udp");
        if (icmp) {
            b.label("icmp4").ldInd(B, 0).jump(JMP | JEQ | K, 8, "icmp.accept", "icmp.reject");
            b.label("icmp6").ldInd(B, 0).jump(JMP | JEQ | K, 128, "icmp.accept", "icmp.reject");
            b.label("icmp.accept").ret(ACCEPT).label("icmp.reject").ret(0);
        }
        b.label("tcp");
        if (!tcp.isEmpty()) {
            b.ldInd(B, 13).and(0x12).jump(JMP | JEQ | K, 0x02, "tcp.syn", null).ret(0)
                    .label("tcp.syn").ldInd(H, 2);
            ports(b, "tcp", tcp);
        }
        b.label("udp");
        if (!udp.isEmpty()) {
            b.ldInd(H, 2);
            ports(b, "udp", udp);
        }
        b.ret(0);
        return b.build();
    }

    /** A = port: accept within any range (sorted, disjoint), reject otherwise, every jump local. */
    private static void ports(Builder b, String prefix, List<int[]> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            int[] r = ranges.get(i);
            String next = prefix + ".r" + (i + 1);
            String below = prefix + ".below" + i;
            b.jump(JMP | JGT | K, r[1], next, null)
                    // Sorted ascending: a port below this range is in none of the later ones either.
                    .jump(JMP | JGE | K, r[0], null, below)
                    .ret(ACCEPT)
                    .label(below).ret(0)
                    .label(next);
        }
        b.ret(0);
    }

    /** The merged port ranges [port - adjacent, port + adjacent] of all steps of {@code protocol}. */
    static List<int[]> ranges(List<SequenceConfig> sequences, Protocol protocol) {
        List<int[]> all = new ArrayList<>();
        for (SequenceConfig s : sequences) {
            int adjacent = s.scanGuard().adjacent();
            for (Step step : s.sequence().steps()) {
                if (step.protocol() == protocol) {
                    all.add(new int[] {Math.max(1, step.value() - adjacent), Math.min(65535, step.value() + adjacent)});
                }
            }
        }
        all.sort(Comparator.comparingInt(r -> r[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : all) {
            int[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        return merged;
    }
}
