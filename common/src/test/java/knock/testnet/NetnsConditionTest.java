package knock.testnet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class NetnsConditionTest {

    @Test
    void runsWhenNothingIsMissing() {
        assertFalse(NetnsCondition.decide(List.of(), false).isDisabled(), "disabled with everything present");
    }

    @Test
    void skipsForANormalUserNamingWhatIsMissing() {
        ConditionEvaluationResult result = NetnsCondition.decide(List.of("root (CAP_SYS_ADMIN not effective)"), false);
        assertTrue(result.isDisabled(), "enabled without root");
        assertTrue(result.getReason().orElse("").contains("CAP_SYS_ADMIN"), "reason does not say what is missing");
    }

    @Test
    void neverSkipsUnderCi() {
        ConditionEvaluationResult result = NetnsCondition.decide(List.of("ip (not found)"), true);
        assertFalse(result.isDisabled(), "skipped under CI=true");
        assertTrue(result.getReason().orElse("").contains("ip (not found)"), "reason does not say what is missing");
    }
}
