package io.greenlang.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an executor needs to start one attempt. The worker has already written {@code input.json}; the
 * agent finds it through {@code GL_INPUT_URI} in {@link #environment()}.
 *
 * @param id          the attempt
 * @param agent       the agent id, e.g. {@code GL-MRV-X-001}
 * @param image       container image (Kubernetes); null: the executor's default agent image
 * @param command     command line; empty: the executor's default for {@code agent}
 * @param environment variables for the agent: {@code GL_INPUT_URI}, {@code GL_OUTPUT_URI}, {@code GL_AGENT_ID},
 *                    the {@code GL_S3_*} settings
 * @param timeout     the step's timeout: the attempt is stopped after it
 * @param cpu         CPU limit, a Kubernetes quantity
 * @param memory      memory limit, a Kubernetes quantity
 */
public record StepLaunch(AttemptId id, String agent, String image, List<String> command,
                         Map<String, String> environment, Duration timeout, String cpu, String memory) {

    /** Validates and copies. */
    public StepLaunch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }
}
