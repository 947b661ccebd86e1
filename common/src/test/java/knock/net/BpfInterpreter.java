package knock.net;

import static knock.net.BpfProgram.*;

/**
 * Runs a classic BPF program over a crafted packet as the kernel would for an {@code AF_PACKET/SOCK_DGRAM}
 * socket: data starts at the network header, a load past the end rejects the packet (returns 0), and the
 * ancillary loads read the given skb metadata. Only the instructions knock generates are supported.
 */
public final class BpfInterpreter {

    private BpfInterpreter() {
    }

    /** Runs {@code program}; returns what it returns (0 rejects, otherwise the bytes to keep). */
    public static int run(BpfProgram program, byte[] packet, int ethertype, int pktType, int ifindex) {
        int a = 0;
        int x = 0;
        int pc = 0;
        for (int steps = 0; steps <= program.length(); steps++) {
            int code = program.code(pc);
            int k = program.k(pc);
            int next = pc + 1;
            switch (code) {
                case LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND -> {
                    boolean indirect = (code & 0xe0) == IND;
                    int size = switch (code & 0x18) {
                        case W -> 4;
                        case H -> 2;
                        default -> 1;
                    };
                    if (!indirect && k < 0 && k >= SKF_AD_OFF) {
                        a = switch (k - SKF_AD_OFF) {
                            case SKF_AD_PROTOCOL -> ethertype;
                            case SKF_AD_PKTTYPE -> pktType;
                            case SKF_AD_IFINDEX -> ifindex;
                            default -> throw new IllegalArgumentException("ancillary load " + (k - SKF_AD_OFF));
                        };
                        break;
                    }
                    long offset = (indirect ? (x & 0xffffffffL) : 0) + k;
                    if (offset < 0 || offset + size > packet.length) {
                        return 0;
                    }
                    int v = 0;
                    for (int i = 0; i < size; i++) {
                        v = (v << 8) | (packet[(int) offset + i] & 0xff);
                    }
                    a = v;
                }
                case LDX | B | MSH -> {
                    if (k < 0 || k >= packet.length) {
                        return 0;
                    }
                    x = 4 * (packet[k] & 0xf);
                }
                case LDX | W | IMM -> x = k;
                case LD | W | IMM -> a = k;
                case ALU | AND | K -> a &= k;
                case MISC | TAX -> x = a;
                case MISC | TXA -> a = x;
                case JMP | JA -> next = pc + 1 + k;
                case JMP | JEQ | K, JMP | JGT | K, JMP | JGE | K, JMP | JSET | K -> {
                    boolean taken = switch (code & 0xf0) {
                        case JEQ -> a == k;
                        case JGT -> Integer.compareUnsigned(a, k) > 0;
                        case JGE -> Integer.compareUnsigned(a, k) >= 0;
                        default -> (a & k) != 0;
                    };
                    next = pc + 1 + (taken ? program.jt(pc) : program.jf(pc));
                }
                case RET | K -> {
                    return k;
                }
                case RET | A -> {
                    return a;
                }
                default -> throw new IllegalArgumentException(String.format("unsupported code 0x%02x at %d", code, pc));
            }
            if (next >= program.length()) {
                throw new IllegalStateException("ran off the end of the program at " + pc);
            }
            pc = next;
        }
        throw new IllegalStateException("no return: program loops");
    }
}
