package io.greenlang.pipeline;

import java.util.Objects;

/**
 * CPU and memory a step asks for, in Kubernetes quantity notation ({@code "2"}, {@code "500m"}, {@code "8Gi"}).
 *
 * @param cpu    CPU quantity
 * @param memory memory quantity
 */
public record StepResources(String cpu, String memory) {

    /** Both quantities are required. */
    public StepResources {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }
}
