package knock.testnet;

import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether a {@link NetnsTest} runs: yes with root and the tools; otherwise skipped with the reason,
 * except under {@code CI=true}, where it runs and fails in {@link TestNetwork#create()}.
 */
public final class NetnsCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return decide(Requirements.missing(), Requirements.isCi());
    }

    static ConditionEvaluationResult decide(List<String> missing, boolean ci) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, ip and iptables-restore present");
        }
        String lacking = String.join(", ", missing);
        if (ci) {
            return ConditionEvaluationResult.enabled("CI=true: running without " + lacking
                    + "; TestNetwork.create() will fail (netns tests never skip in CI)");
        }
        return ConditionEvaluationResult.disabled("netns test skipped: needs " + lacking
                + " (run as root; under CI=true this fails instead of skipping)");
    }
}
