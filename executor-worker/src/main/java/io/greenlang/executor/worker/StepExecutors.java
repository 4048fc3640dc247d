package io.greenlang.executor.worker;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.executor.StepExecutor;
import io.greenlang.executor.k8s.KubernetesJobExecutor;
import io.greenlang.executor.local.LocalProcessExecutor;

/** Chooses the {@link StepExecutor} named by {@code GL_EXECUTOR}. */
public final class StepExecutors {

    private StepExecutors() {
    }

    /**
     * The executor of {@code GL_EXECUTOR}: {@code local} is a {@link LocalProcessExecutor} on
     * {@code GL_WORKER_STATE_DIR}, {@code kubernetes} one Job per attempt.
     *
     * @param config the worker's configuration
     * @param meters where the executor counts
     * @return the executor; the caller closes it
     * @throws GlConfigException when the executor cannot be built from the configuration
     */
    public static StepExecutor fromConfig(GlConfig config, GlMeters meters) {
        String executor = config.executor();
        return switch (executor) {
            case LocalProcessExecutor.NAME -> LocalProcessExecutor.fromConfig(config);
            case "kubernetes" -> KubernetesJobExecutor.create(config, meters);
            default -> throw new GlConfigException(GlConfig.EXECUTOR + "=" + executor + " is not an executor of "
                    + "this worker (local, kubernetes)");
        };
    }
}
