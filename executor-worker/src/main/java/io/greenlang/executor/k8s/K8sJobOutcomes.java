package io.greenlang.executor.k8s;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.executor.ExecutionOutcome;

/**
 * Reads what a Job and its pods say about an attempt: the one place where Kubernetes states become GreenLang
 * outcomes and error codes. Pure functions of the objects (no client, no clock), so every mapping is unit-tested.
 *
 * <p>A Job that has finished is judged by its condition: {@code Complete} is an exit; {@code Failed} with reason
 * {@code DeadlineExceeded} is GL-E-K8S-JOB-TIMEOUT; any other {@code Failed} (usually {@code BackoffLimitExceeded})
 * is explained by its newest failed pod: status reason {@code Evicted} or a {@code DisruptionTarget} condition is
 * GL-E-K8S-EVICTION, container termination {@code OOMKilled} or exit code 137 is GL-E-K8S-JOB-OOM, another
 * non-zero exit code is GL-E-AGENT-CRASH with that code. Waiting for the Job's condition (rather than acting on the
 * first failed pod) honours {@code GL_K8S_BACKOFF_LIMIT}. A Job that has not finished can be stalled in a way
 * Kubernetes never gives up on by itself: a container waiting in {@code ErrImagePull}/{@code ImagePullBackOff}, or
 * a pod {@code PodScheduled=False} with reason {@code Unschedulable}; the executor fails those after a grace
 * period. {@code InvalidImageName} never recovers and is reported as permanent.
 */
final class K8sJobOutcomes {

    static final String REASON_DEADLINE_EXCEEDED = "DeadlineExceeded";
    static final String REASON_EVICTED = "Evicted";
    static final String REASON_OOM_KILLED = "OOMKilled";
    static final String REASON_UNSCHEDULABLE = "Unschedulable";
    static final int EXIT_SIGKILL = 137;

    private static final List<String> IMAGE_PULL_RETRYING = List.of("ErrImagePull", "ImagePullBackOff");
    private static final String INVALID_IMAGE_NAME = "InvalidImageName";

    private K8sJobOutcomes() {
    }

    /** What the objects say. */
    sealed interface Assessment permits Ended, Stalled, Running {
    }

    /**
     * The Job has finished.
     *
     * @param kind     EXITED or FAILED
     * @param failure  the code when FAILED
     * @param message  for people
     * @param exitCode the agent's exit code if known
     * @param endedAt  when the Job finished, if Kubernetes says
     */
    record Ended(ExecutionOutcome.Kind kind, ErrorCode failure, String message, Integer exitCode, Instant endedAt)
            implements Assessment {
    }

    /**
     * The Job runs but its pod cannot start, for a reason Kubernetes keeps retrying.
     *
     * @param failure   GL-E-K8S-IMAGEPULL or GL-E-K8S-SCHEDULING
     * @param message   Kubernetes' explanation
     * @param permanent true when waiting cannot help (an invalid image name)
     */
    record Stalled(ErrorCode failure, String message, boolean permanent) implements Assessment {
    }

    /** The Job runs (or has not started a pod yet) and nothing is wrong so far. */
    record Running() implements Assessment {
    }

    /**
     * Assesses a Job.
     *
     * @param job  the Job as last seen
     * @param pods its pods as last seen, any order
     * @return ended, stalled or running
     */
    static Assessment assess(Job job, List<Pod> pods) {
        Objects.requireNonNull(job, "job");
        Optional<JobCondition> complete = trueCondition(job, "Complete");
        if (complete.isPresent()) {
            String completion = job.getStatus().getCompletionTime();
            Instant at = instant(completion != null ? completion : complete.get().getLastTransitionTime());
            return new Ended(ExecutionOutcome.Kind.EXITED, null, "exit code 0", 0, at);
        }
        Optional<JobCondition> failed = trueCondition(job, "Failed");
        if (failed.isPresent()) {
            return failed(job, failed.get(), pods);
        }
        for (Pod pod : newestFirst(pods)) {
            if (!isPending(pod)) {
                continue;
            }
            for (ContainerStatus status : containerStatuses(pod)) {
                ContainerStateWaiting waiting = status.getState() == null ? null : status.getState().getWaiting();
                if (waiting != null && IMAGE_PULL_RETRYING.contains(waiting.getReason())) {
                    return new Stalled(ErrorCode.K8S_IMAGEPULL, describe(waiting.getReason(), waiting.getMessage()),
                            false);
                }
                if (waiting != null && INVALID_IMAGE_NAME.equals(waiting.getReason())) {
                    return new Stalled(ErrorCode.K8S_IMAGEPULL, describe(waiting.getReason(), waiting.getMessage()),
                            true);
                }
            }
            Optional<PodCondition> scheduled = condition(pod, "PodScheduled");
            if (scheduled.isPresent() && "False".equals(scheduled.get().getStatus())
                    && REASON_UNSCHEDULABLE.equals(scheduled.get().getReason())) {
                return new Stalled(ErrorCode.K8S_SCHEDULING,
                        describe(REASON_UNSCHEDULABLE, scheduled.get().getMessage()), false);
            }
        }
        return new Running();
    }

    /**
     * True when the Job has failed for a reason its pods must explain but none of {@code pods} has failed: the pod
     * cache lags behind the Job cache, and the pods should be read from the API server before assessing.
     */
    static boolean needsPodEvidence(Job job, List<Pod> pods) {
        Optional<JobCondition> failed = trueCondition(job, "Failed");
        return failed.isPresent() && !REASON_DEADLINE_EXCEEDED.equals(failed.get().getReason())
                && newestFailed(pods).isEmpty();
    }

    /** True when the Job has a Complete or Failed condition. */
    static boolean isFinished(Job job) {
        return trueCondition(job, "Complete").isPresent() || trueCondition(job, "Failed").isPresent();
    }

    private static Ended failed(Job job, JobCondition failed, List<Pod> pods) {
        Instant at = instant(failed.getLastTransitionTime());
        if (REASON_DEADLINE_EXCEEDED.equals(failed.getReason())) {
            Long deadline = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
            Integer exitCode = newestFirst(pods).stream().map(K8sJobOutcomes::terminated)
                    .filter(Objects::nonNull).map(ContainerStateTerminated::getExitCode).findFirst().orElse(null);
            return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.K8S_JOB_TIMEOUT,
                    "Job exceeded its deadline" + (deadline == null ? "" : " of " + deadline + " s")
                            + suffix(failed.getMessage()), exitCode, at);
        }
        Optional<Pod> pod = newestFailed(pods);
        if (pod.isEmpty()) {
            return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.AGENT_CRASH,
                    "Job failed (" + describe(failed.getReason(), failed.getMessage()) + ") and no pod status is left",
                    null, at);
        }
        return podFailure(pod.get(), at);
    }

    private static Ended podFailure(Pod pod, Instant at) {
        String name = pod.getMetadata() == null ? "?" : pod.getMetadata().getName();
        ContainerStateTerminated terminated = terminated(pod);
        Integer exitCode = terminated == null ? null : terminated.getExitCode();
        if (isEvicted(pod)) {
            String reason = pod.getStatus().getMessage() != null ? pod.getStatus().getMessage()
                    : condition(pod, "DisruptionTarget").map(c -> describe(c.getReason(), c.getMessage())).orElse("");
            return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.K8S_EVICTION,
                    "pod " + name + " was evicted" + suffix(reason), exitCode, at);
        }
        if (terminated != null && (REASON_OOM_KILLED.equals(terminated.getReason())
                || Integer.valueOf(EXIT_SIGKILL).equals(exitCode))) {
            String what = REASON_OOM_KILLED.equals(terminated.getReason()) ? REASON_OOM_KILLED
                    : "killed by SIGKILL, taken as out of memory";
            return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.K8S_JOB_OOM,
                    what + " (exit code " + exitCode + ")", exitCode, at);
        }
        if (exitCode != null && exitCode != 0) {
            String reason = terminated.getReason() == null || "Error".equals(terminated.getReason()) ? ""
                    : " (" + terminated.getReason() + ")";
            return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.AGENT_CRASH, "exit code " + exitCode + reason,
                    exitCode, at);
        }
        return new Ended(ExecutionOutcome.Kind.FAILED, ErrorCode.AGENT_CRASH,
                "pod " + name + " failed" + suffix(describe(pod.getStatus().getReason(), pod.getStatus().getMessage())),
                exitCode, at);
    }

    private static boolean isEvicted(Pod pod) {
        return REASON_EVICTED.equals(pod.getStatus().getReason())
                || condition(pod, "DisruptionTarget").filter(c -> "True".equals(c.getStatus())).isPresent();
    }

    /** The newest pod that failed: phase Failed, evicted, or its agent terminated with a non-zero code. */
    private static Optional<Pod> newestFailed(List<Pod> pods) {
        return newestFirst(pods).stream().filter(p -> p.getStatus() != null && ("Failed".equals(p.getStatus().getPhase())
                || isEvicted(p) || nonZero(terminated(p)))).findFirst();
    }

    private static boolean nonZero(ContainerStateTerminated terminated) {
        return terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0;
    }

    private static boolean isPending(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null
                || "Pending".equals(pod.getStatus().getPhase());
    }

    /** The agent container's termination (the first container's when none is called agent), or null. */
    private static ContainerStateTerminated terminated(Pod pod) {
        List<ContainerStatus> statuses = containerStatuses(pod);
        ContainerStatus status = statuses.stream().filter(s -> K8sJobTemplate.CONTAINER.equals(s.getName()))
                .findFirst().orElse(statuses.isEmpty() ? null : statuses.get(0));
        if (status == null) {
            return null;
        }
        ContainerState state = status.getState();
        return state == null ? null : state.getTerminated();
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return List.of();
        }
        return pod.getStatus().getContainerStatuses();
    }

    private static List<Pod> newestFirst(List<Pod> pods) {
        Comparator<Pod> byCreation = Comparator.<Pod, Instant>comparing(
                p -> p.getMetadata() == null ? null : instant(p.getMetadata().getCreationTimestamp()),
                Comparator.nullsFirst(Comparator.naturalOrder()));
        return pods.stream().sorted(byCreation.reversed()).toList();
    }

    private static Optional<JobCondition> trueCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static Optional<PodCondition> condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** An RFC 3339 time from the API server, or null when absent or unreadable. */
    static Instant instant(String time) {
        if (time == null || time.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(String reason, String message) {
        if (message == null || message.isBlank()) {
            return reason == null ? "" : reason;
        }
        return reason == null ? message : reason + ": " + message;
    }

    private static String suffix(String text) {
        return text == null || text.isBlank() ? "" : ": " + text;
    }
}
