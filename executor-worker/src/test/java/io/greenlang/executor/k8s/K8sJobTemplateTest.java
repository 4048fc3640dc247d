package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.greenlang.common.config.GlConfig;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.StepLaunch;

/** The Job built for a launch (pure code): defaults, command, deadline, configuration. */
class K8sJobTemplateTest {

    private static final AttemptId ID = new AttemptId("t", "r", "s", 1);

    private final KubernetesJobSettings settings = KubernetesJobSettings.from(GlConfig.load(Map.of(
            "GL_K8S_NAMESPACE", "greenlang", "GL_K8S_IMAGE_PULL_SECRETS", "ghcr-secret,,ecr-secret",
            "GL_K8S_JOB_TTL_SECONDS", "120", "GL_K8S_ACTIVE_DEADLINE_SECONDS", "3600", "GL_K8S_BACKOFF_LIMIT", "2",
            "GL_AGENT_IMAGE", "registry.example/agents:7", "GL_DEFAULT_CPU_LIMIT", "250m",
            "GL_DEFAULT_MEMORY_LIMIT", "512Mi"), java.util.Optional.empty()));

    @Test
    void shouldRunTheStepsCommandAndImageWhenGiven() {
        Container c = container(new StepLaunch(ID, "GL-A", "my/image:1", List.of("python", "-m", "agent"),
                Map.of(), Duration.ofMinutes(1), "2", "4Gi"));

        assertThat(c.getImage()).isEqualTo("my/image:1");
        assertThat(c.getCommand()).containsExactly("python", "-m", "agent");
        assertThat(c.getArgs()).isEmpty();
        assertThat(c.getResources().getLimits()).containsEntry("memory", new Quantity("4Gi"));
    }

    @Test
    void shouldUseTheDefaultImageAndLimitsWhenTheLaunchGivesNone() {
        Container c = container(new StepLaunch(ID, "GL-A", " ", List.of(), Map.of(), Duration.ofMinutes(1), "", ""));

        assertThat(c.getImage()).isEqualTo("registry.example/agents:7");
        assertThat(c.getArgs()).containsExactly("GL-A");
        assertThat(c.getResources().getLimits()).containsExactlyInAnyOrderEntriesOf(
                Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi")));
    }

    @Test
    void shouldTakeTtlBackoffPullSecretsAndNamespaceFromTheConfiguration() {
        Job job = K8sJobTemplate.build(new StepLaunch(ID, "GL-A", null, List.of(), Map.of(), Duration.ofMinutes(1),
                "1", "1Gi"), settings);

        assertThat(job.getMetadata().getNamespace()).isEqualTo("greenlang");
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(120);
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(r -> r.getName())
                .containsExactly("ghcr-secret", "ecr-secret");
        assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("greenlang-runner");
    }

    @Test
    void shouldSetTheDeadlineToTheStepTimeoutRoundedUpAndCapped() {
        Duration cap = Duration.ofHours(1);
        assertThat(K8sJobTemplate.activeDeadlineSeconds(Duration.ofMinutes(5), cap)).isEqualTo(300);
        assertThat(K8sJobTemplate.activeDeadlineSeconds(Duration.ofMillis(1_500), cap)).isEqualTo(2);
        assertThat(K8sJobTemplate.activeDeadlineSeconds(Duration.ofMillis(1), cap)).isEqualTo(1);
        assertThat(K8sJobTemplate.activeDeadlineSeconds(Duration.ofHours(5), cap)).isEqualTo(3600);
    }

    private Container container(StepLaunch launch) {
        return K8sJobTemplate.build(launch, settings).getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}
