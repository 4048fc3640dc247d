package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.k8s.K8sJobOutcomes.Assessment;
import io.greenlang.executor.k8s.K8sJobOutcomes.Ended;
import io.greenlang.executor.k8s.K8sJobOutcomes.Running;
import io.greenlang.executor.k8s.K8sJobOutcomes.Stalled;

/** The mapping of Job and pod states to outcomes and error codes (pure code, no API server). */
class K8sJobOutcomesTest {

    private static final String T0 = "2026-01-01T10:00:00Z";
    private static final String T1 = "2026-01-01T10:05:00Z";

    @Test
    void shouldTakeACompleteJobAsExitedAtItsCompletionTime() {
        Job job = new JobBuilder(job("Complete", null)).editStatus().withCompletionTime(T1).endStatus().build();

        Ended ended = ended(K8sJobOutcomes.assess(job, List.of()));

        assertThat(ended.kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(ended.exitCode()).isZero();
        assertThat(ended.endedAt()).isEqualTo(Instant.parse(T1));
    }

    @Test
    void shouldMapDeadlineExceededToK8sJobTimeoutEvenWhenTheAgentWasKilled() {
        Ended ended = ended(K8sJobOutcomes.assess(job("Failed", "DeadlineExceeded"),
                List.of(pod("p", T0, "Failed", terminated("Error", 137)))));

        assertThat(ended.failure()).isEqualTo(ErrorCode.K8S_JOB_TIMEOUT);
        assertThat(ended.exitCode()).isEqualTo(137);
        assertThat(ended.endedAt()).isEqualTo(Instant.parse(T1));
    }

    @Test
    void shouldMapExitCode137WithoutOomReasonToK8sJobOom() {
        Ended ended = ended(K8sJobOutcomes.assess(job("Failed", "BackoffLimitExceeded"),
                List.of(pod("p", T0, "Failed", terminated("Error", 137)))));

        assertThat(ended.failure()).isEqualTo(ErrorCode.K8S_JOB_OOM);
        assertThat(ended.message()).contains("SIGKILL");
    }

    @Test
    void shouldMapADisruptionTargetConditionToK8sEviction() {
        Pod pod = new PodBuilder(pod("p", T0, "Failed", terminated("Error", 143))).editStatus()
                .addToConditions(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
                        .withReason("EvictionByEvictionAPI").withMessage("Eviction API: evicting").build())
                .endStatus().build();

        Ended ended = ended(K8sJobOutcomes.assess(job("Failed", "BackoffLimitExceeded"), List.of(pod)));

        assertThat(ended.failure()).isEqualTo(ErrorCode.K8S_EVICTION);
        assertThat(ended.message()).contains("EvictionByEvictionAPI");
    }

    @Test
    void shouldExplainAFailedJobByItsNewestFailedPod() {
        // backoffLimit > 0: the first pod ran out of memory, the retry crashed; the Job failed after the retry
        List<Pod> pods = List.of(pod("older", T0, "Failed", terminated("OOMKilled", 137)),
                pod("newer", T1, "Failed", terminated("Error", 2)));

        Ended ended = ended(K8sJobOutcomes.assess(job("Failed", "BackoffLimitExceeded"), pods));

        assertThat(ended.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(ended.exitCode()).isEqualTo(2);
    }

    @Test
    void shouldAskForThePodsWhenAFailedJobHasNoFailedPodAndFallBackToAgentCrash() {
        Job job = job("Failed", "BackoffLimitExceeded");
        List<Pod> stale = List.of(pod("p", T0, "Running", running()));

        assertThat(K8sJobOutcomes.needsPodEvidence(job, stale)).isTrue();
        assertThat(K8sJobOutcomes.needsPodEvidence(job("Failed", "DeadlineExceeded"), stale)).isFalse();
        Ended ended = ended(K8sJobOutcomes.assess(job, List.of()));
        assertThat(ended.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(ended.exitCode()).isNull();
        assertThat(ended.message()).contains("BackoffLimitExceeded");
    }

    @Test
    void shouldReportImagePullErrorsAsStalledAndAnInvalidImageNameAsPermanent() {
        Stalled retrying = stalled(K8sJobOutcomes.assess(job(null, null),
                List.of(pod("p", T0, "Pending", waiting("ErrImagePull")))));
        Stalled invalid = stalled(K8sJobOutcomes.assess(job(null, null),
                List.of(pod("p", T0, "Pending", waiting("InvalidImageName")))));

        assertThat(retrying.failure()).isEqualTo(ErrorCode.K8S_IMAGEPULL);
        assertThat(retrying.permanent()).isFalse();
        assertThat(invalid.failure()).isEqualTo(ErrorCode.K8S_IMAGEPULL);
        assertThat(invalid.permanent()).isTrue();
    }

    @Test
    void shouldReportAnUnschedulablePodAsStalledOnScheduling() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withCreationTimestamp(T0).endMetadata()
                .withNewStatus().withPhase("Pending").addToConditions(new PodConditionBuilder()
                        .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                        .withMessage("0/3 nodes are available").build()).endStatus().build();

        Stalled stalled = stalled(K8sJobOutcomes.assess(job(null, null), List.of(pod)));

        assertThat(stalled.failure()).isEqualTo(ErrorCode.K8S_SCHEDULING);
        assertThat(stalled.message()).contains("0/3 nodes");
    }

    @Test
    void shouldWaitForTheJobWhileAPodFailedButTheJobHasNotGivenUp() {
        // with a back-off limit the Job controller starts another pod: only the Job's condition is final
        Assessment a = K8sJobOutcomes.assess(job(null, null), List.of(pod("p", T0, "Failed", terminated("Error", 1))));

        assertThat(a).isInstanceOf(Running.class);
        assertThat(K8sJobOutcomes.isFinished(job(null, null))).isFalse();
        assertThat(K8sJobOutcomes.isFinished(job("Complete", null))).isTrue();
    }

    private static Ended ended(Assessment a) {
        assertThat(a).isInstanceOf(Ended.class);
        return (Ended) a;
    }

    private static Stalled stalled(Assessment a) {
        assertThat(a).isInstanceOf(Stalled.class);
        return (Stalled) a;
    }

    private static Job job(String condition, String reason) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("gl-s-1-abc").endMetadata()
                .withNewSpec().withActiveDeadlineSeconds(600L).endSpec();
        if (condition == null) {
            return b.withNewStatus().withActive(1).endStatus().build();
        }
        return b.withNewStatus().addNewCondition().withType(condition).withStatus("True").withReason(reason)
                .withLastTransitionTime(T1).endCondition().endStatus().build();
    }

    private static Pod pod(String name, String created, String phase, ContainerState state) {
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).endMetadata()
                .withNewStatus().withPhase(phase)
                .addToContainerStatuses(new ContainerStatusBuilder().withName("agent").withState(state).build())
                .endStatus().build();
    }

    private static ContainerState terminated(String reason, int exitCode) {
        return new ContainerStateBuilder().withNewTerminated().withReason(reason).withExitCode(exitCode)
                .endTerminated().build();
    }

    private static ContainerState waiting(String reason) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage("cannot pull")
                .endWaiting().build();
    }

    private static ContainerState running() {
        return new ContainerStateBuilder().withNewRunning().withStartedAt(T0).endRunning().build();
    }
}
