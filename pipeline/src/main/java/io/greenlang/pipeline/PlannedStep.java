package io.greenlang.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a compiled {@link RunPlan}: everything the orchestrator needs to dispatch it, with defaults
 * applied and {@code ${params.x}} references already bound. References to other steps' outputs
 * ({@code ${steps.s.outputs.y}}) stay in {@link #inputs()} as written; they are resolved when the step is
 * dispatched, from the outputs its dependencies reported.
 *
 * @param name           the step's name, unique in the pipeline
 * @param agent          the agent that runs it (e.g. {@code GL-MRV-X-001})
 * @param image          container image, or {@code null} for the agent's default
 * @param command        command line, empty for the image's default
 * @param dependsOn      names of the steps that must succeed first
 * @param inputs         input name -> value, with parameters bound
 * @param timeoutSeconds how long an attempt may run before GL-E-AGENT-TIMEOUT
 * @param retries        how many retries (beyond the first attempt) the step allows at most
 * @param resources      CPU and memory
 * @param when           a CEL condition deciding whether the step runs, or {@code null} (always)
 * @param idempotencyKey deterministic key of this step within its run (same pipeline, parameters and tenant
 *                       give the same key)
 */
public record PlannedStep(String name, String agent, String image, List<String> command, List<String> dependsOn,
                          Map<String, String> inputs, int timeoutSeconds, int retries, StepResources resources,
                          String when, String idempotencyKey) {

    /** Copies the collections; name, agent, resources and key are required. */
    public PlannedStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        command = List.copyOf(command);
        dependsOn = List.copyOf(dependsOn);
        inputs = Map.copyOf(inputs);
    }
}
