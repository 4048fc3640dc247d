package io.greenlang.pipeline.policy;

import java.util.Map;
import java.util.Objects;

import io.greenlang.pipeline.StepResources;

/**
 * What a policy decision is about: the run (and, before a step, the step). These are the variables a CEL
 * condition can use: {@code namespace}, {@code tenant}, {@code pipeline} (name), {@code labels},
 * {@code params}, {@code step}, {@code agent}, {@code resources} ({@code cpu}, {@code memory} and the derived
 * {@code cpu_millis}, {@code memory_bytes}), plus {@code stage}; see docs/policy.md.
 *
 * @param stage      pre-run or pre-step
 * @param namespace  the pipeline's namespace
 * @param tenant     the run's tenant
 * @param pipeline   the pipeline's name
 * @param labels     the pipeline's labels
 * @param parameters bound parameters
 * @param step       the step's name, or {@code null} before the run
 * @param agent      the step's agent, or {@code null} before the run
 * @param resources  the step's resources, or {@code null} before the run
 */
public record PolicyContext(PolicyStage stage, String namespace, String tenant, String pipeline,
                            Map<String, String> labels, Map<String, Object> parameters, String step, String agent,
                            StepResources resources) {

    /** Copies the maps; stage, namespace, tenant and pipeline are required. */
    public PolicyContext {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(pipeline, "pipeline");
        labels = Map.copyOf(labels);
        parameters = Map.copyOf(parameters);
    }
}
