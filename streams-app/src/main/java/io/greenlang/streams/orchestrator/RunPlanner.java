package io.greenlang.streams.orchestrator;

import java.util.Objects;

import io.greenlang.events.run.RunRequested;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.PipelineValidationException;
import io.greenlang.pipeline.RunPlan;

/**
 * Turns a run request into the plan the orchestrator executes. Production compiles the request's frozen
 * pipeline document with {@link #compiling(PipelineCompiler)}; tests and benchmarks may build plans directly.
 *
 * <p>Implementations signal a bad request with a {@link io.greenlang.common.error.GreenLangException} (normally a
 * {@link PipelineValidationException}): the run then FAILS with that code. Any other exception is an internal
 * error: the run FAILS with GL-E-INTERNAL. Called on a stream thread; must be thread-safe.
 */
@FunctionalInterface
public interface RunPlanner {

    /** The plan of {@code request}. */
    RunPlan plan(RunRequested request);

    /** Plans by compiling the request's pipeline document with its parameters, for its tenant. */
    static RunPlanner compiling(PipelineCompiler compiler) {
        Objects.requireNonNull(compiler, "compiler");
        return request -> compiler.compile(request.getPipelineYaml(), request.getParameters(),
                request.getMeta().getTenantId());
    }
}
