package io.greenlang.streams.orchestrator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.greenlang.pipeline.PlannedStep;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.StepResources;

/** Builds {@link RunPlan}s in code, the way the compiler would, for topology tests. */
final class Plans {

    private final String pipeline;
    private final List<PlannedStep> steps = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String namespace = "default";

    private Plans(String pipeline) {
        this.pipeline = pipeline;
    }

    static Plans pipeline(String name) {
        return new Plans(name);
    }

    /** a -> b -> c ... */
    static RunPlan linear(String... names) {
        Plans p = pipeline("linear");
        String previous = null;
        for (String name : names) {
            p.step(name, previous == null ? List.of() : List.of(previous));
            previous = name;
        }
        return p.build();
    }

    /** a -> (b, c) -> d. */
    static RunPlan diamond() {
        return pipeline("diamond").step("a").step("b", "a").step("c", "a").step("d", "b", "c").build();
    }

    /** a -> n parallel steps -> z. */
    static RunPlan fanOut(int n) {
        Plans p = pipeline("fan-out").step("a");
        List<String> middle = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String name = String.format("m%02d", i);
            p.step(name, "a");
            middle.add(name);
        }
        p.step("z", middle);
        return p.build();
    }

    Plans step(String name, String... dependsOn) {
        return step(name, List.of(dependsOn));
    }

    Plans step(String name, List<String> dependsOn) {
        return step(name, dependsOn, Map.of(), 3, 600, null);
    }

    Plans step(String name, List<String> dependsOn, Map<String, String> inputs, int retries, int timeoutSeconds,
               String when) {
        steps.add(new PlannedStep(name, "GL-TEST-" + name, "registry.local/agent:1", List.of("run"), dependsOn,
                inputs, timeoutSeconds, retries, new StepResources("500m", "512Mi"), when, pipeline + "-" + name));
        return this;
    }

    Plans param(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    Plans namespace(String ns) {
        this.namespace = ns;
        return this;
    }

    Plans label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    RunPlan build() {
        List<String> all = steps.stream().map(PlannedStep::name).toList();
        return new RunPlan(pipeline, namespace, "tenant-a", labels, parameters, steps, List.of(all),
                List.of(all.get(all.size() - 1)), pipeline + "-run-key");
    }
}
