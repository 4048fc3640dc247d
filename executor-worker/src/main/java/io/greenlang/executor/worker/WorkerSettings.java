package io.greenlang.executor.worker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.greenlang.common.config.GlConfig;

/**
 * What the worker takes from the configuration, read once.
 *
 * @param bucket            {@code GL_S3_BUCKET}: where attempt folders are
 * @param agentEnvironment  the {@code GL_S3_*} settings handed to every agent (holds the secret: never logged)
 * @param heartbeatInterval {@code GL_STEP_HEARTBEAT_SECONDS}
 * @param maxParallelSteps  {@code GL_MAX_PARALLEL_STEPS}: attempts this worker runs at once
 * @param defaultTimeout    {@code GL_DEFAULT_TIMEOUT_SECONDS}, for a command without a timeout
 * @param defaultCpu        {@code GL_DEFAULT_CPU_LIMIT}, for a command without resources
 * @param defaultMemory     {@code GL_DEFAULT_MEMORY_LIMIT}, for a command without resources
 * @param service           {@code GL_SERVICE_NAME}, in the envelope of every event
 * @param instance          this worker instance, in the envelope of every event and in client ids
 */
public record WorkerSettings(String bucket, Map<String, String> agentEnvironment, Duration heartbeatInterval,
                             int maxParallelSteps, Duration defaultTimeout, String defaultCpu, String defaultMemory,
                             String service, String instance) {

    /** Validates and copies. */
    public WorkerSettings {
        Objects.requireNonNull(bucket, "bucket");
        agentEnvironment = Map.copyOf(agentEnvironment);
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(defaultCpu, "defaultCpu");
        Objects.requireNonNull(defaultMemory, "defaultMemory");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
        if (maxParallelSteps < 1) {
            throw new IllegalArgumentException("maxParallelSteps must be at least 1, got " + maxParallelSteps);
        }
    }

    /** The settings of {@code config}, with a new instance id. */
    public static WorkerSettings fromConfig(GlConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(GlConfig.S3_BUCKET, config.s3Bucket());
        env.put(GlConfig.S3_REGION, config.s3Region());
        config.s3Endpoint().ifPresent(endpoint -> env.put(GlConfig.S3_ENDPOINT, endpoint.toString()));
        config.s3AccessKeyId().ifPresent(key -> env.put(GlConfig.S3_ACCESS_KEY_ID, key));
        config.s3SecretAccessKey().ifPresent(secret -> env.put(GlConfig.S3_SECRET_ACCESS_KEY, secret.value()));
        env.put(GlConfig.S3_USE_SSL, Boolean.toString(config.s3UseSsl()));
        env.put(GlConfig.S3_VERIFY_SSL, Boolean.toString(config.s3VerifySsl()));
        return new WorkerSettings(config.s3Bucket(), env, config.stepHeartbeatInterval(), config.maxParallelSteps(),
                config.defaultStepTimeout(), config.defaultCpuLimit(), config.defaultMemoryLimit(),
                config.serviceName(), "worker-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Without the agent environment, which holds the S3 secret. */
    @Override
    public String toString() {
        return "WorkerSettings[bucket=" + bucket + ", heartbeat=" + heartbeatInterval + ", maxParallelSteps="
                + maxParallelSteps + ", defaultTimeout=" + defaultTimeout + ", instance=" + instance + "]";
    }
}
