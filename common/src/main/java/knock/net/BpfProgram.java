package knock.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic BPF program ({@code struct sock_filter[]}) for {@code SO_ATTACH_FILTER}, built with labels so
 * generators need not count instructions. Classic BPF jumps only forward; a conditional jump reaches at most 255
 * instructions, so {@link Builder#build} fails on a farther one (use {@link Builder#ja}, which reaches anywhere).
 * The kernel caps a program at {@value #MAX_INSTRUCTIONS} instructions.
 */
public final class BpfProgram {

    /** BPF_MAXINSNS in linux/bpf_common.h. */
    public static final int MAX_INSTRUCTIONS = 4096;

    // linux/bpf_common.h and linux/filter.h
    public static final int LD = 0x00, LDX = 0x01, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    public static final int W = 0x00, H = 0x08, B = 0x10;
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MSH = 0xa0;
    public static final int AND = 0x50;
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    public static final int K = 0x00, X = 0x08, A = 0x10;
    public static final int TAX = 0x00, TXA = 0x80;
    /** Loads from {@code SKF_AD_OFF + n} read skb metadata instead of packet bytes. */
    public static final int SKF_AD_OFF = -0x1000;
    /** skb->protocol (the ethertype), host order. */
    public static final int SKF_AD_PROTOCOL = 0;
    /** skb->pkt_type: 0 PACKET_HOST, 1 BROADCAST, 2 MULTICAST, 3 OTHERHOST, 4 OUTGOING. */
    public static final int SKF_AD_PKTTYPE = 4;
    public static final int SKF_AD_IFINDEX = 8;

    private static final MemoryLayout SOCK_FILTER = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("code"), ValueLayout.JAVA_BYTE.withName("jt"),
            ValueLayout.JAVA_BYTE.withName("jf"), ValueLayout.JAVA_INT.withName("k"));

    private final short[] code;
    private final byte[] jt;
    private final byte[] jf;
    private final int[] k;

    private BpfProgram(short[] code, byte[] jt, byte[] jf, int[] k) {
        this.code = code;
        this.jt = jt;
        this.jf = jf;
        this.k = k;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int length() {
        return code.length;
    }

    public int code(int pc) {
        return code[pc] & 0xffff;
    }

    public int jt(int pc) {
        return jt[pc] & 0xff;
    }

    public int jf(int pc) {
        return jf[pc] & 0xff;
    }

    public int k(int pc) {
        return k[pc];
    }

    /** A {@code struct sock_fprog} pointing at the instructions, both in {@code arena}. */
    MemorySegment toSockFprog(Arena arena) {
        MemorySegment insns = arena.allocate(SOCK_FILTER, code.length);
        for (int i = 0; i < code.length; i++) {
            long at = i * SOCK_FILTER.byteSize();
            insns.set(ValueLayout.JAVA_SHORT, at, code[i]);
            insns.set(ValueLayout.JAVA_BYTE, at + 2, jt[i]);
            insns.set(ValueLayout.JAVA_BYTE, at + 3, jf[i]);
            insns.set(ValueLayout.JAVA_INT, at + 4, k[i]);
        }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
        MemorySegment prog = arena.allocate(16, 8);
        prog.set(ValueLayout.JAVA_SHORT, 0, (short) code.length);
        prog.set(ValueLayout.ADDRESS, 8, insns);
        return prog;
    }

    /** One instruction per line, {@code tcpdump -d} style, for debugging and test messages. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < code.length; i++) {
            s.append(String.format("(%03d) code=0x%02x jt=%d jf=%d k=0x%x%n", i, code(i), jt(i), jf(i), k[i]));
        }
        return s.toString();
    }

    /** Collects instructions; jump targets are label names, {@code null} meaning the next instruction. */
    public static final class Builder {

        private record Insn(int code, String jt, String jf, int k, String target) {
        }

        private final List<Insn> insns = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        private Builder() {
        }

        /** Marks the next instruction as {@code name}. */
        public Builder label(String name) {
            if (labels.putIfAbsent(name, insns.size()) != null) {
                throw new IllegalStateException("label " + name + " defined twice");
            }
            return this;
        }

        public Builder stmt(int code, int k) {
            insns.add(new Insn(code, null, null, k, null));
            return this;
        }

        /** A conditional jump {@code code} (e.g. {@code JMP|JEQ|K}) against {@code k}. */
        public Builder jump(int code, int k, String ifTrue, String ifFalse) {
            insns.add(new Insn(code, ifTrue, ifFalse, k, null));
            return this;
        }

        /** An unconditional jump, which reaches any later instruction. */
        public Builder ja(String target) {
            insns.add(new Insn(JMP | JA, null, null, 0, target));
            return this;
        }

        /** Loads the packet bytes at {@code offset} ({@code size} {@link #W}, {@link #H} or {@link #B}) into A. */
        public Builder ldAbs(int size, int offset) {
            return stmt(LD | size | ABS, offset);
        }

        /** Loads the packet bytes at X + {@code offset} into A. */
        public Builder ldInd(int size, int offset) {
            return stmt(LD | size | IND, offset);
        }

        /** Loads skb metadata ({@link #SKF_AD_PROTOCOL}, {@link #SKF_AD_PKTTYPE}, ...) into A. */
        public Builder ldAncillary(int which) {
            return stmt(LD | W | ABS, SKF_AD_OFF + which);
        }

        /** X = 4 * (packet[offset] &amp; 0xf): the IPv4 header length. */
        public Builder ldxMsh(int offset) {
            return stmt(LDX | B | MSH, offset);
        }

        public Builder ldxImm(int value) {
            return stmt(LDX | W | IMM, value);
        }

        public Builder and(int mask) {
            return stmt(ALU | AND | K, mask);
        }

        public Builder ret(int value) {
            return stmt(RET | K, value);
        }

        /**
         * Resolves the labels.
         *
         * @throws IllegalStateException on an unknown label, a backward jump, a conditional jump farther than
         *     255 instructions, or more than {@value #MAX_INSTRUCTIONS} instructions
         */
        public BpfProgram build() {
            int n = insns.size();
            if (n == 0 || n > MAX_INSTRUCTIONS) {
                throw new IllegalStateException("BPF program of " + n + " instructions (expected: 1-"
                        + MAX_INSTRUCTIONS + ")");
            }
            short[] code = new short[n];
            byte[] jt = new byte[n];
            byte[] jf = new byte[n];
            int[] k = new int[n];
            for (int pc = 0; pc < n; pc++) {
                Insn i = insns.get(pc);
                code[pc] = (short) i.code;
                k[pc] = i.target != null ? offset(pc, i.target, Integer.MAX_VALUE) : i.k;
                jt[pc] = (byte) offset(pc, i.jt, 255);
                jf[pc] = (byte) offset(pc, i.jf, 255);
            }
            if ((code[n - 1] & 0x07) != RET) {
                throw new IllegalStateException("BPF program does not end in a return");
            }
            return new BpfProgram(code, jt, jf, k);
        }

        private int offset(int pc, String label, int max) {
            if (label == null) {
                return 0;
            }
            Integer at = labels.get(label);
            if (at == null) {
                throw new IllegalStateException("BPF label " + label + " not defined");
            }
            int offset = at - pc - 1;
            if (offset < 0 || offset > max) {
                throw new IllegalStateException("BPF jump from " + pc + " to " + label + " at " + at
                        + " (expected: forward, at most " + max + " instructions)");
            }
            return offset;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfProgram p && Arrays.equals(code, p.code) && Arrays.equals(jt, p.jt)
                && Arrays.equals(jf, p.jf) && Arrays.equals(k, p.k);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(k) * 31 + Arrays.hashCode(code);
    }
}
