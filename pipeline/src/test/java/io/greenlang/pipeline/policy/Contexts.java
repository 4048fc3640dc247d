package io.greenlang.pipeline.policy;

import java.util.Map;

import io.greenlang.pipeline.StepResources;

/** Policy contexts for tests. */
final class Contexts {

    private Contexts() {
    }

    static PolicyContext run(String namespace) {
        return run(namespace, Map.of(), Map.of());
    }

    static PolicyContext run(String namespace, Map<String, String> labels, Map<String, Object> params) {
        return new PolicyContext(PolicyStage.PRE_RUN, namespace, "acme", "heat-report", labels, params, null, null,
                null);
    }

    static PolicyContext step(String namespace, String step, String agent, String cpu, String memory) {
        return new PolicyContext(PolicyStage.PRE_STEP, namespace, "acme", "heat-report", Map.of("team", "mrv"),
                Map.of(), step, agent, new StepResources(cpu, memory));
    }
}
