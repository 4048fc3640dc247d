package io.greenlang.executor.k8s;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.greenlang.common.config.GlConfig;

/**
 * What the {@link KubernetesJobExecutor} needs besides the client: the {@code GL_K8S_*} settings, the default image
 * and limits, and the executor's own timings. Immutable; {@link #from(GlConfig)} reads the configuration, the
 * {@code with...} methods return changed copies (tests shorten the grace periods).
 *
 * @param namespace          where the Jobs are created and watched ({@code GL_K8S_NAMESPACE})
 * @param serviceAccount     the Jobs' service account ({@code GL_K8S_SERVICE_ACCOUNT})
 * @param imagePullSecrets   secrets for pulling the agent images ({@code GL_K8S_IMAGE_PULL_SECRETS})
 * @param jobTtl             {@code ttlSecondsAfterFinished} ({@code GL_K8S_JOB_TTL_SECONDS}); also how long a
 *                           finished attempt is remembered, so that a redelivered launch adopts it
 * @param activeDeadlineCap  the largest {@code activeDeadlineSeconds} ({@code GL_K8S_ACTIVE_DEADLINE_SECONDS}): a
 *                           Job's deadline is its step's timeout, capped by this
 * @param backoffLimit       {@code backoffLimit} ({@code GL_K8S_BACKOFF_LIMIT})
 * @param agentImage         image of a step that names none ({@code GL_AGENT_IMAGE})
 * @param defaultCpu         CPU of a launch that gives none ({@code GL_DEFAULT_CPU_LIMIT})
 * @param defaultMemory      memory of a launch that gives none ({@code GL_DEFAULT_MEMORY_LIMIT})
 * @param imagePullGrace     how long a pod may stay in {@code ErrImagePull}/{@code ImagePullBackOff} before the
 *                           attempt fails with GL-E-K8S-IMAGEPULL (the kubelet retries pulls, a registry hiccup
 *                           must not fail a step)
 * @param schedulingGrace    how long a pod may stay {@code Unschedulable} before the attempt fails with
 *                           GL-E-K8S-SCHEDULING (long enough for a cluster autoscaler to add a node)
 * @param pollInterval       how often running attempts are re-examined for the grace periods above
 * @param informerSyncTimeout how long {@link KubernetesJobExecutor#start} waits for the first list of Jobs and pods
 * @param logTailLines       lines of an attempt's log that {@link io.greenlang.executor.Execution#logs()} reads
 * @param maxLogChars        characters of log kept at most (the end is kept)
 */
public record KubernetesJobSettings(String namespace, String serviceAccount, List<String> imagePullSecrets,
                                    Duration jobTtl, Duration activeDeadlineCap, int backoffLimit, String agentImage,
                                    String defaultCpu, String defaultMemory, Duration imagePullGrace,
                                    Duration schedulingGrace, Duration pollInterval, Duration informerSyncTimeout,
                                    int logTailLines, int maxLogChars) {

    /** Default of {@link #imagePullGrace()}: about three pull attempts with the kubelet's back-off. */
    public static final Duration DEFAULT_IMAGE_PULL_GRACE = Duration.ofMinutes(2);
    /** Default of {@link #schedulingGrace()}: time for a cluster autoscaler to bring up a node. */
    public static final Duration DEFAULT_SCHEDULING_GRACE = Duration.ofMinutes(5);
    /** Default of {@link #pollInterval()}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** Default of {@link #informerSyncTimeout()}. */
    public static final Duration DEFAULT_INFORMER_SYNC_TIMEOUT = Duration.ofSeconds(60);
    /** Default of {@link #logTailLines()}. */
    public static final int DEFAULT_LOG_TAIL_LINES = 20_000;
    /** Default of {@link #maxLogChars()}: 4 Mi characters, the "few MiB" of {@code logs.txt}. */
    public static final int DEFAULT_MAX_LOG_CHARS = 4 * 1024 * 1024;

    /** Validates and copies. */
    public KubernetesJobSettings {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        imagePullSecrets = List.copyOf(imagePullSecrets);
        requireNotNegative(jobTtl, "jobTtl");
        requirePositive(activeDeadlineCap, "activeDeadlineCap");
        if (backoffLimit < 0) {
            throw new IllegalArgumentException("backoffLimit must not be negative, got " + backoffLimit);
        }
        Objects.requireNonNull(agentImage, "agentImage");
        Objects.requireNonNull(defaultCpu, "defaultCpu");
        Objects.requireNonNull(defaultMemory, "defaultMemory");
        requireNotNegative(imagePullGrace, "imagePullGrace");
        requireNotNegative(schedulingGrace, "schedulingGrace");
        requirePositive(pollInterval, "pollInterval");
        requirePositive(informerSyncTimeout, "informerSyncTimeout");
        if (logTailLines < 1 || maxLogChars < 1) {
            throw new IllegalArgumentException("logTailLines and maxLogChars must be positive");
        }
    }

    /**
     * The settings of {@code config}, with the default timings of this class.
     *
     * @param config the service's configuration
     * @return the settings
     */
    public static KubernetesJobSettings from(GlConfig config) {
        return new KubernetesJobSettings(config.k8sNamespace(), config.k8sServiceAccount(),
                config.k8sImagePullSecrets(), config.k8sJobTtl(), config.k8sActiveDeadline(),
                config.k8sBackoffLimit(), config.agentImage(), config.defaultCpuLimit(), config.defaultMemoryLimit(),
                DEFAULT_IMAGE_PULL_GRACE, DEFAULT_SCHEDULING_GRACE, DEFAULT_POLL_INTERVAL,
                DEFAULT_INFORMER_SYNC_TIMEOUT, DEFAULT_LOG_TAIL_LINES, DEFAULT_MAX_LOG_CHARS);
    }

    /** A copy with other grace periods and poll interval. */
    public KubernetesJobSettings withTimings(Duration imagePullGrace, Duration schedulingGrace, Duration pollInterval) {
        return new KubernetesJobSettings(namespace, serviceAccount, imagePullSecrets, jobTtl, activeDeadlineCap,
                backoffLimit, agentImage, defaultCpu, defaultMemory, imagePullGrace, schedulingGrace, pollInterval,
                informerSyncTimeout, logTailLines, maxLogChars);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }
}
