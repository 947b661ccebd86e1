package knock.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BpfProgramTest {

    @Test
    void labelsResolveToForwardOffsets() {
        BpfProgram p = BpfProgram.builder()
                .ldAbs(BpfProgram.B, 0)
                .jump(BpfProgram.JMP | BpfProgram.JEQ | BpfProgram.K, 7, "yes", null)
                .ret(0)
                .label("yes").ret(100)
                .build();
        assertEquals(1, p.jt(1), "jump over ret 0");
        assertEquals(100, BpfInterpreter.run(p, new byte[] {7}, 0, 0, 0));
        assertEquals(0, BpfInterpreter.run(p, new byte[] {8}, 0, 0, 0));
        assertEquals(0, BpfInterpreter.run(p, new byte[0], 0, 0, 0), "a load past the end rejects");
    }

    @Test
    void aConditionalJumpFartherThan255InstructionsIsRefused() {
        BpfProgram.Builder b = BpfProgram.builder().jump(BpfProgram.JMP | BpfProgram.JEQ, 1, "far", null);
        for (int i = 0; i < 256; i++) {
            b.ret(0);
        }
        b.label("far").ret(1);
        assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void aProgramMustEndInAReturn() {
        assertThrows(IllegalStateException.class, () -> BpfProgram.builder().ldAbs(BpfProgram.B, 0).build());
    }
}
