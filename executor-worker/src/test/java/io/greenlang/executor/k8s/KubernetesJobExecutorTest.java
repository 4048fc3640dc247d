package io.greenlang.executor.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.StepLaunch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The Kubernetes executor against fabric8's mock API server in CRUD mode. No real API server (nor kind, k3s or
 * envtest) can run on the build machines, so there is no Job controller, scheduler or kubelet either: this class
 * plays them. Its {@link Controller} creates the pod a Job would get (labelled with {@code job-name} and
 * {@code controller-uid}, owned by the Job) and writes pod and Job status (container states, pod conditions, Job
 * conditions through the status subresource) as Kubernetes would, so every mapping is driven through the real
 * informers, watches and HTTP calls of the executor. What this cannot show is that a real cluster produces exactly
 * these states; the states written here are the documented ones (see {@link K8sJobOutcomes}).
 *
 * <p>One mock server for the class, started with the same dispatcher as {@code @EnableKubernetesMockClient(crud =
 * true)}: {@link KubernetesMixedDispatcher} answers from recorded expectations first and from the CRUD store
 * otherwise. The CRUD store never refuses a create with 403, and it has no pod logs; the quota and log tests record
 * one expectation each ({@code server.expect()}), the honest way to make the mock answer what a real API server
 * would. Each test works in a namespace of its own, so the tests do not see each other's Jobs.
 */
class KubernetesJobExecutorTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** Held so that the setting sticks (JUL keeps loggers weakly): the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    private String namespace;
    private SimpleMeterRegistry registry;
    private KubernetesJobSettings settings;
    private KubernetesJobExecutor executor;
    private Controller controller;

    @BeforeAll
    static void startMockApiServer() {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
    }

    @AfterAll
    static void stopMockApiServer() {
        client.close();
        server.destroy();
    }

    @BeforeEach
    void startExecutor() {
        namespace = "greenlang-" + NAMESPACES.incrementAndGet();
        registry = new SimpleMeterRegistry();
        settings = new KubernetesJobSettings(namespace, "greenlang-runner", List.of("ghcr-secret", "ecr-secret"),
                Duration.ofHours(1), Duration.ofMinutes(30), 0, "ghcr.io/greenlang/greenlang-agents:0.1.0", "1",
                "2Gi", Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(50), Duration.ofSeconds(10),
                100, 1_000);
        executor = newExecutor(settings);
        controller = new Controller();
    }

    @AfterEach
    void closeExecutor() {
        executor.close();
    }

    private KubernetesJobExecutor newExecutor(KubernetesJobSettings s) {
        return KubernetesJobExecutor.start(client, s, new GlMeters(registry));
    }

    // ------------------------------------------------------------------------------------------ the Job

    @Test
    void shouldCreateOneJobWithNameLabelsEnvLimitsDeadlineAndRestrictiveSecurityContext() {
        AttemptId id = new AttemptId("Acme Corp", "0f8fad5b-d9cb-469f-a165-70867728950e", "MRV_Calc", 2);
        StepLaunch launch = new StepLaunch(id, "GL-MRV-X-001", null, List.of(),
                Map.of("GL_INPUT_URI", "s3://b/in.json", "GL_AGENT_ID", "GL-MRV-X-001"), Duration.ofMinutes(90),
                "500m", "1Gi");

        Execution execution = executor.launch(launch);

        assertThat(execution.adopted()).isFalse();
        assertThat(execution.id()).isEqualTo(id);
        List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace).list().getItems();
        assertThat(jobs).hasSize(1);
        Job job = jobs.get(0);
        String name = job.getMetadata().getName();
        assertThat(name).isEqualTo(K8sJobNames.jobName(id)).startsWith("gl-mrv-calc-2-")
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
        assertThat(job.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/name", "greenlang-agent",
                "greenlang.io/tenant-id", "Acme-Corp",
                "greenlang.io/run-id", "0f8fad5b-d9cb-469f-a165-70867728950e",
                "greenlang.io/step-id", "MRV_Calc",
                "greenlang.io/attempt", "2"));
        assertThat(job.getMetadata().getAnnotations()).containsEntry("greenlang.io/tenant-id", "Acme Corp")
                .containsEntry("greenlang.io/step-id", "MRV_Calc").containsEntry("greenlang.io/agent", "GL-MRV-X-001");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("step timeout capped at 30 min").isEqualTo(1800L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);

        var pod = job.getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels()).isEqualTo(job.getMetadata().getLabels());
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("greenlang-runner");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getImagePullSecrets()).extracting(s -> s.getName())
                .containsExactly("ghcr-secret", "ecr-secret");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSpec().getVolumes()).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        var container = pod.getSpec().getContainers().get(0);
        assertThat(container.getName()).isEqualTo("agent");
        assertThat(container.getImage()).as("default agent image").isEqualTo("ghcr.io/greenlang/greenlang-agents:0.1.0");
        assertThat(container.getCommand()).as("image entrypoint").isEmpty();
        assertThat(container.getArgs()).containsExactly("GL-MRV-X-001");
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .containsExactly("GL_AGENT_ID=GL-MRV-X-001", "GL_INPUT_URI=s3://b/in.json");
        assertThat(container.getResources().getLimits())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")));
        assertThat(container.getResources().getRequests()).isEqualTo(container.getResources().getLimits());
        var security = container.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isEqualTo(10001L);
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getVolumeMounts()).singleElement()
                .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    }

    @Test
    void shouldAdoptTheExistingJobWhenTheSameAttemptIsLaunchedAgain() {
        StepLaunch launch = launch("mrv", 1);
        Execution first = executor.launch(launch);
        Execution again = executor.launch(launch);
        Execution restarted;
        try (KubernetesJobExecutor other = newExecutor(settings)) {
            // a second instance knows nothing: its create gets 409 and it adopts
            restarted = other.launch(launch);
            assertThat(restarted.adopted()).isTrue();
            assertThat(restarted.launchedAt()).isEqualTo(first.launchedAt());
        }

        assertThat(first.adopted()).isFalse();
        assertThat(again.adopted()).isTrue();
        assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).hasSize(1);

        controller.succeed(K8sJobNames.jobName(launch.id()));
        assertThat(again.outcome()).succeedsWithin(WAIT).extracting(ExecutionOutcome::kind)
                .isEqualTo(ExecutionOutcome.Kind.EXITED);
    }

    @Test
    void shouldRefuseToAdoptAJobOfTheSameNameThatBelongsToAnotherAttempt() {
        StepLaunch launch = launch("mrv", 1);
        String name = K8sJobNames.jobName(launch.id());
        client.batch().v1().jobs().inNamespace(namespace).resource(new JobBuilder()
                .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/name", "greenlang-agent")
                .addToAnnotations("greenlang.io/run-id", "someone-else").endMetadata()
                .withNewSpec().endSpec().build()).create();

        assertThatThrownBy(() -> executor.launch(launch)).isInstanceOfSatisfying(GreenLangException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL));
    }

    @Test
    void shouldThrowK8sQuotaWhenTheNamespaceQuotaRefusesTheJob() {
        // the CRUD store never answers 403: record the API server's answer to a quota refusal for this one create
        server.expect().post().withPath("/apis/batch/v1/namespaces/" + namespace + "/jobs")
                .andReturn(HttpURLConnection.HTTP_FORBIDDEN, new StatusBuilder().withStatus("Failure")
                        .withCode(403).withReason("Forbidden")
                        .withMessage("jobs.batch \"gl-mrv-1-x\" is forbidden: exceeded quota: compute, requested: "
                                + "count/jobs.batch=1, used: count/jobs.batch=50, limited: count/jobs.batch=50")
                        .build())
                .once();

        assertThatThrownBy(() -> executor.launch(launch("mrv", 1)))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.K8S_QUOTA);
                    assertThat(e.getMessage()).contains("exceeded quota");
                });
        assertThat(failures(ErrorCode.K8S_QUOTA)).isEqualTo(1.0);
        assertThat(client.batch().v1().jobs().inNamespace(namespace).list().getItems()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ outcomes

    @Test
    void shouldCompleteAsExitedWhenTheJobCompletes() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> running(p));
        controller.podStatus(pod, p -> terminated(p, "Completed", 0, "Succeeded"));
        controller.succeed(job);

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(registry.find(metricName()).counters()).isEmpty();
    }

    @Test
    void shouldMapOomKilledToK8sJobOom() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> terminated(p, "OOMKilled", 137, "Failed"));
        controller.fail(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit");

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.K8S_JOB_OOM);
        assertThat(outcome.exitCode()).isEqualTo(137);
        assertThat(outcome.message()).contains("OOMKilled");
        assertThat(failures(ErrorCode.K8S_JOB_OOM)).isEqualTo(1.0);
    }

    @Test
    void shouldMapOtherNonZeroExitToAgentCrashWithTheExitCode() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> terminated(p, "Error", 3, "Failed"));
        controller.fail(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit");

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.message()).isEqualTo("exit code 3");
        assertThat(failures(ErrorCode.AGENT_CRASH)).isEqualTo(1.0);
    }

    @Test
    void shouldMapDeadlineExceededToK8sJobTimeout() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> running(p));
        controller.fail(job, "DeadlineExceeded", "Job was active longer than specified deadline");

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.K8S_JOB_TIMEOUT);
        assertThat(outcome.message()).contains("deadline of 600 s");
        assertThat(failures(ErrorCode.K8S_JOB_TIMEOUT)).isEqualTo(1.0);
    }

    @Test
    void shouldMapEvictedPodToK8sEviction() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> running(p));
        controller.podStatus(pod, p -> {
            Pod evicted = terminated(p, "Error", 137, "Failed");
            evicted.getStatus().setReason("Evicted");
            evicted.getStatus().setMessage("The node was low on resource: memory.");
            return evicted;
        });
        controller.fail(job, "BackoffLimitExceeded", "Job has reached the specified backoff limit");

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).as("evicted, not OOM, although the exit code is 137")
                .isEqualTo(ErrorCode.K8S_EVICTION);
        assertThat(outcome.message()).contains("low on resource");
        assertThat(failures(ErrorCode.K8S_EVICTION)).isEqualTo(1.0);
    }

    @Test
    void shouldFailWithK8sImagePullAndDeleteTheJobWhenThePullErrorPersists() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> waiting(p, "ImagePullBackOff", "Back-off pulling image \"nope:1\""));

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.K8S_IMAGEPULL);
        assertThat(outcome.message()).contains("ImagePullBackOff");
        await().atMost(WAIT).until(() -> controller.job(job) == null);
        assertThat(failures(ErrorCode.K8S_IMAGEPULL)).isEqualTo(1.0);
    }

    @Test
    void shouldTolerateAnImagePullErrorThatClearsWithinTheGracePeriod() {
        executor.close();
        executor = newExecutor(settings.withTimings(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMillis(50)));
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> waiting(p, "ErrImagePull", "registry timeout"));
        controller.podStatus(pod, p -> running(p));
        controller.podStatus(pod, p -> terminated(p, "Completed", 0, "Succeeded"));
        controller.succeed(job);

        assertThat(outcome(execution).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
    }

    @Test
    void shouldFailWithK8sSchedulingAndDeleteTheJobWhenThePodStaysUnschedulable() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        Pod pod = controller.startPod(job);
        controller.podStatus(pod, p -> new PodBuilder(p).editOrNewStatus().withPhase("Pending")
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/3 nodes are available: 3 Insufficient memory.").build())
                .endStatus().build());

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.K8S_SCHEDULING);
        assertThat(outcome.message()).contains("Insufficient memory");
        await().atMost(WAIT).until(() -> controller.job(job) == null);
        assertThat(failures(ErrorCode.K8S_SCHEDULING)).isEqualTo(1.0);
    }

    // ------------------------------------------------------------------------------------------ cancel, recover, logs

    @Test
    void shouldCancelByDeletingTheJobAndCompletingTheOutcomeAsCancelled() {
        Execution execution = executor.launch(launch("mrv", 1));
        String job = K8sJobNames.jobName(execution.id());
        controller.podStatus(controller.startPod(job), p -> running(p));

        executor.cancel(execution.id());

        assertThat(outcome(execution).kind()).isEqualTo(ExecutionOutcome.Kind.CANCELLED);
        assertThat(controller.job(job)).isNull();
        RecordedRequest delete = takeRequest("DELETE", "/apis/batch/v1/namespaces/" + namespace + "/jobs/" + job);
        assertThat(delete.getUtf8Body()).contains("\"propagationPolicy\":\"Background\"");
        assertThat(registry.find(metricName()).counters()).isEmpty();
    }

    @Test
    void shouldEndAsCancelledWhenTheJobIsDeletedOutsideTheExecutor() {
        Execution execution = executor.launch(launch("mrv", 1));
        client.batch().v1().jobs().inNamespace(namespace).withName(K8sJobNames.jobName(execution.id())).delete();

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.CANCELLED);
        assertThat(outcome.message()).contains("outside the executor");
    }

    @Test
    void shouldRecoverUnreportedJobsInANewExecutorInstance() {
        Execution reported = executor.launch(launch("done", 1));
        Execution finished = executor.launch(launch("finished", 1));
        Execution running = executor.launch(launch("running", 1));
        controller.succeed(K8sJobNames.jobName(reported.id()));
        assertThat(outcome(reported).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        executor.reported(reported.id());
        controller.succeed(K8sJobNames.jobName(finished.id()));
        assertThat(outcome(finished).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        executor.close();

        executor = newExecutor(settings);
        List<Execution> recovered = executor.recover();

        assertThat(recovered).extracting(Execution::id).containsExactlyInAnyOrder(finished.id(), running.id());
        assertThat(recovered).allMatch(Execution::adopted);
        assertThat(controller.job(K8sJobNames.jobName(reported.id())).getMetadata().getAnnotations())
                .containsEntry("greenlang.io/reported", "true");
        Execution stillRunning = recovered.stream().filter(e -> e.id().equals(running.id())).findFirst().orElseThrow();
        Execution alreadyEnded = recovered.stream().filter(e -> e.id().equals(finished.id())).findFirst()
                .orElseThrow();
        assertThat(outcome(alreadyEnded).kind()).as("ended while no executor watched")
                .isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(stillRunning.outcome()).isNotDone();
        controller.fail(K8sJobNames.jobName(running.id()), "DeadlineExceeded", "too long");
        assertThat(outcome(stillRunning).failure()).isEqualTo(ErrorCode.K8S_JOB_TIMEOUT);
    }

    @Test
    void shouldReadTheTailOfTheAgentContainersLog() {
        Execution execution = executor.launch(launch("mrv", 1));
        Pod pod = controller.startPod(K8sJobNames.jobName(execution.id()));
        // the CRUD store has no pods/log subresource: record the kubelet's answer for this pod
        server.expect().get().withPath("/api/v1/namespaces/" + namespace + "/pods/" + pod.getMetadata().getName()
                        + "/log?pretty=false&container=agent&tailLines=100")
                .andReturn(HttpURLConnection.HTTP_OK, "x".repeat(1_500) + "\nlast line\n").once();

        String logs = execution.logs();

        assertThat(logs).hasSize(1_000).endsWith("x\nlast line\n");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private StepLaunch launch(String step, int attempt) {
        return new StepLaunch(new AttemptId("tenant-a", "7d444840-9dc0-11d1-b245-5ffdce74fad2", step, attempt),
                "GL-MRV-X-001", "ghcr.io/greenlang/mrv:1.0", List.of("java", "-jar", "/app/agent.jar"),
                Map.of("GL_INPUT_URI", "s3://bucket/in.json"), Duration.ofMinutes(10), "1", "1Gi");
    }

    /** The first request recorded since the server started with this method and path (all are recorded). */
    private static RecordedRequest takeRequest(String method, String path) {
        try {
            for (RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS); r != null;
                 r = server.takeRequest(5, TimeUnit.SECONDS)) {
                if (r.getMethod().equals(method) && r.getPath().startsWith(path)) {
                    return r;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no " + method + " " + path + " was received");
    }

    private static ExecutionOutcome outcome(Execution execution) {
        return assertThat(execution.outcome()).succeedsWithin(WAIT).actual();
    }

    private double failures(ErrorCode code) {
        Counter counter = registry.find(metricName()).tag("error_code", code.code()).counter();
        return counter == null ? 0.0 : counter.count();
    }

    private static String metricName() {
        return GlMetrics.K8S_JOB_FAILURES.micrometerName();
    }

    private static Pod running(Pod pod) {
        return withContainerState(pod, "Running", new ContainerStateBuilder().withNewRunning()
                .withStartedAt(Instant.now().toString()).endRunning().build());
    }

    private static Pod waiting(Pod pod, String reason, String message) {
        return withContainerState(pod, "Pending", new ContainerStateBuilder().withNewWaiting().withReason(reason)
                .withMessage(message).endWaiting().build());
    }

    private static Pod terminated(Pod pod, String reason, int exitCode, String phase) {
        return withContainerState(pod, phase, new ContainerStateBuilder().withNewTerminated().withReason(reason)
                .withExitCode(exitCode).withFinishedAt(Instant.now().toString()).endTerminated().build());
    }

    private static Pod withContainerState(Pod pod, String phase, ContainerState state) {
        return new PodBuilder(pod).editOrNewStatus().withPhase(phase)
                .withContainerStatuses(new ContainerStatusBuilder().withName("agent").withImage("img")
                        .withState(state).withReady("Running".equals(phase)).build())
                .endStatus().build();
    }

    /**
     * Plays the Job controller and the kubelet: creates the pod of a Job and writes pod and Job status, the way
     * Kubernetes does (pods labelled with the Job's name and uid and owned by it, status through /status).
     */
    private final class Controller {

        Job job(String name) {
            return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        }

        Pod startPod(String jobName) {
            Job job = job(jobName);
            Map<String, String> labels = new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
            labels.put("batch.kubernetes.io/job-name", jobName);
            labels.put("job-name", jobName);
            labels.put("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
            labels.put("controller-uid", job.getMetadata().getUid());
            Pod pod = new PodBuilder()
                    .withNewMetadata().withName(jobName + "-x7k2p").withNamespace(namespace).withLabels(labels)
                        .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(jobName)
                            .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference()
                    .endMetadata()
                    .withSpec(job.getSpec().getTemplate().getSpec())
                    .withNewStatus().withPhase("Pending").endStatus()
                    .build();
            return client.pods().inNamespace(namespace).resource(pod).create();
        }

        void podStatus(Pod pod, UnaryOperator<Pod> change) {
            client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(change);
        }

        void succeed(String jobName) {
            condition(jobName, "Complete", null, null);
        }

        void fail(String jobName, String reason, String message) {
            condition(jobName, "Failed", reason, message);
        }

        private void condition(String jobName, String type, String reason, String message) {
            String now = Instant.now().toString();
            client.batch().v1().jobs().inNamespace(namespace).withName(jobName).editStatus(j -> {
                JobBuilder b = new JobBuilder(j);
                b.editOrNewStatus().addToConditions(new JobConditionBuilder().withType(type).withStatus("True")
                        .withReason(reason).withMessage(message).withLastTransitionTime(now)
                        .withLastProbeTime(now).build())
                        .withCompletionTime("Complete".equals(type) ? now : null)
                        .endStatus();
                return b.build();
            });
        }
    }
}
