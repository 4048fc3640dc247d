package io.greenlang.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pipeline compiled for one run: parameters bound and type-checked, steps in a topological order with their
 * dependency levels, and deterministic idempotency keys. Built by {@link PipelineCompiler}; immutable.
 *
 * @param pipelineName the pipeline's {@code metadata.name}
 * @param namespace    its {@code metadata.namespace}
 * @param tenant       the tenant the run belongs to
 * @param labels       its {@code metadata.labels}
 * @param parameters   bound parameter values (String, Long, Double, Boolean), defaults applied
 * @param steps        every step, in a topological order (a step comes after all it depends on)
 * @param levels       step names grouped by dependency depth: level 0 has no dependencies, level n depends
 *                     only on levels below n
 * @param outputs      the steps whose results are the run's outputs (all sink steps when none are declared)
 * @param runKey       deterministic idempotency key of the run: same pipeline document, parameters and tenant
 *                     give the same key
 */
public record RunPlan(String pipelineName, String namespace, String tenant, Map<String, String> labels,
                      Map<String, Object> parameters, List<PlannedStep> steps, List<List<String>> levels,
                      List<String> outputs, String runKey) {

    /** Copies the collections. */
    public RunPlan {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(runKey, "runKey");
        labels = Map.copyOf(labels);
        parameters = Map.copyOf(parameters);
        steps = List.copyOf(steps);
        levels = levels.stream().map(List::copyOf).toList();
        outputs = List.copyOf(outputs);
    }

    /** The step with this name. */
    public Optional<PlannedStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
