package io.greenlang.executor.k8s;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.StepLaunch;

/**
 * Builds the Job of one attempt (a pure function of the launch and the settings, so that tests pin it). What it
 * must never do: give the agent more than it needs. The pod runs as user 10001, non-root, with a read-only root
 * file system, no privilege escalation, every capability dropped, the runtime's default seccomp profile, no
 * service-account token and no service links; {@code /tmp} is an emptyDir so that the JVM can write temp files.
 * Requests equal limits (Guaranteed QoS class: such pods are the last a node evicts under pressure).
 */
final class K8sJobTemplate {

    /** The agent's container. */
    static final String CONTAINER = "agent";
    /** The agent's user and group id. */
    static final long RUN_AS_USER = 10001L;
    /** Where the writable scratch volume is mounted. */
    static final String TMP_PATH = "/tmp";

    private static final String TMP_VOLUME = "tmp";

    private K8sJobTemplate() {
    }

    /** The labels of a Job and its pods: values cut to label syntax (see {@link K8sJobNames#labelValue}). */
    static Map<String, String> labels(AttemptId id) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubernetesJobExecutor.LABEL_APP, KubernetesJobExecutor.APP);
        labels.put(KubernetesJobExecutor.LABEL_TENANT, K8sJobNames.labelValue(id.tenant()));
        labels.put(KubernetesJobExecutor.LABEL_RUN, K8sJobNames.labelValue(id.runId()));
        labels.put(KubernetesJobExecutor.LABEL_STEP, K8sJobNames.labelValue(id.step()));
        labels.put(KubernetesJobExecutor.LABEL_ATTEMPT, Integer.toString(id.attempt()));
        return labels;
    }

    /** The exact attempt, under the same keys as the labels, plus the agent. */
    static Map<String, String> annotations(AttemptId id, String agent) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(KubernetesJobExecutor.LABEL_TENANT, id.tenant());
        annotations.put(KubernetesJobExecutor.LABEL_RUN, id.runId());
        annotations.put(KubernetesJobExecutor.LABEL_STEP, id.step());
        annotations.put(KubernetesJobExecutor.LABEL_ATTEMPT, Integer.toString(id.attempt()));
        annotations.put(KubernetesJobExecutor.ANNOTATION_AGENT, agent);
        return annotations;
    }

    /** {@code activeDeadlineSeconds}: the step's timeout in whole seconds (rounded up), capped. */
    static long activeDeadlineSeconds(Duration timeout, Duration cap) {
        Duration d = timeout.compareTo(cap) > 0 ? cap : timeout;
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /**
     * The Job of {@code launch}.
     *
     * @param launch   the attempt to run
     * @param settings namespace, service account, TTL, deadline cap, back-off limit, defaults
     * @return the Job, not yet created
     */
    static Job build(StepLaunch launch, KubernetesJobSettings settings) {
        AttemptId id = launch.id();
        Map<String, String> labels = labels(id);
        Map<String, String> annotations = annotations(id, launch.agent());
        List<LocalObjectReference> pullSecrets = settings.imagePullSecrets().stream()
                .map(LocalObjectReference::new).toList();
        return new JobBuilder()
                .withNewMetadata()
                    .withName(K8sJobNames.jobName(id))
                    .withNamespace(settings.namespace())
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(settings.backoffLimit())
                    .withActiveDeadlineSeconds(activeDeadlineSeconds(launch.timeout(), settings.activeDeadlineCap()))
                    .withTtlSecondsAfterFinished(Math.toIntExact(settings.jobTtl().getSeconds()))
                    .withCompletions(1)
                    .withParallelism(1)
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels)
                            .withAnnotations(annotations)
                        .endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(settings.serviceAccount())
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withImagePullSecrets(pullSecrets)
                            .withSecurityContext(new PodSecurityContextBuilder()
                                    .withRunAsNonRoot(true)
                                    .withRunAsUser(RUN_AS_USER)
                                    .withRunAsGroup(RUN_AS_USER)
                                    .withFsGroup(RUN_AS_USER)
                                    .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                                    .build())
                            .withContainers(container(launch, settings))
                            .addNewVolume()
                                .withName(TMP_VOLUME)
                                .withNewEmptyDir()
                                .endEmptyDir()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(StepLaunch launch, KubernetesJobSettings settings) {
        String image = launch.image() == null || launch.image().isBlank() ? settings.agentImage() : launch.image();
        String cpu = launch.cpu().isBlank() ? settings.defaultCpu() : launch.cpu();
        String memory = launch.memory().isBlank() ? settings.defaultMemory() : launch.memory();
        Map<String, Quantity> resources = Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory));
        List<EnvVar> env = new TreeMap<>(launch.environment()).entrySet().stream()
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                .toList();
        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withEnv(env)
                .withNewResources()
                    .withRequests(resources)
                    .withLimits(resources)
                .endResources()
                .withSecurityContext(new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(RUN_AS_USER)
                        .withRunAsGroup(RUN_AS_USER)
                        .withReadOnlyRootFilesystem(true)
                        .withAllowPrivilegeEscalation(false)
                        .withPrivileged(false)
                        .withNewCapabilities()
                            .withDrop("ALL")
                        .endCapabilities()
                        .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build())
                        .build())
                .addNewVolumeMount()
                    .withName(TMP_VOLUME)
                    .withMountPath(TMP_PATH)
                .endVolumeMount();
        if (launch.command().isEmpty()) {
            // the image's entrypoint, told which agent to run
            container.withArgs(launch.agent());
        } else {
            container.withCommand(launch.command());
        }
        return container.build();
    }
}
