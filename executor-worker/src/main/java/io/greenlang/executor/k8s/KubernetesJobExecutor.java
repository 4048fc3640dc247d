package io.greenlang.executor.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;
import io.greenlang.executor.ExecutionHandle;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.StepExecutor;
import io.greenlang.executor.StepLaunch;

/**
 * The {@code kubernetes} executor: one Kubernetes Job per step attempt in {@code GL_K8S_NAMESPACE}, named from the
 * attempt alone ({@link K8sJobNames}), built by {@link K8sJobTemplate} (labels, exact values in annotations,
 * service account, pull secrets, TTL, deadline = step timeout capped by {@code GL_K8S_ACTIVE_DEADLINE_SECONDS},
 * back-off limit, requests = limits, restrictive security context).
 *
 * <p>Launching creates the Job; when it exists already (HTTP 409, a redelivered command or a restarted worker) the
 * Job is adopted after checking that its annotations name the same attempt. The Job itself is the record that the
 * attempt was launched: it lives until {@code ttlSecondsAfterFinished} after it finished, and
 * {@link #reported(AttemptId)} marks it with the annotation {@value #ANNOTATION_REPORTED} so that {@link #recover()}
 * skips it. A resource quota refusing the Job (403 "exceeded quota") is thrown from {@link #launch} as
 * GL-E-K8S-QUOTA; other API failures are mapped by {@link K8sErrors}.
 *
 * <p>Two shared informers, on Jobs and on pods labelled {@code app.kubernetes.io/name=greenlang-agent} in the
 * namespace, feed one evaluator thread, which judges an attempt whenever its Job or one of its pods changes, and
 * every {@link KubernetesJobSettings#pollInterval()} for the grace periods; the mapping from Kubernetes states to
 * outcomes is {@link K8sJobOutcomes}. Attempts stalled on an image pull or on scheduling past their grace period
 * fail (GL-E-K8S-IMAGEPULL, GL-E-K8S-SCHEDULING) and their Job is deleted. Every failure is counted in
 * {@code gl_k8s_job_failures_total{error_code}}. {@link #cancel} deletes the Job with background propagation and
 * completes the outcome as cancelled; a Job deleted by someone else (e.g. the tenant isolation script of the
 * runbook) also ends its attempt as cancelled.
 *
 * <p>This class must never delete or change a Job it did not create for an attempt (everything it touches
 * carries its label and a name derived from the attempt), and never launch an attempt twice while its Job exists.
 * Thread-safe.
 */
public final class KubernetesJobExecutor implements StepExecutor {

    private static final Logger log = LoggerFactory.getLogger(KubernetesJobExecutor.class);

    /** {@link #name()}. */
    public static final String NAME = "kubernetes";
    /** Label selecting every Job and pod of the executor. */
    public static final String LABEL_APP = "app.kubernetes.io/name";
    /** Value of {@link #LABEL_APP}. */
    public static final String APP = "greenlang-agent";
    /** Label (sanitised) and annotation (exact) of the tenant. */
    public static final String LABEL_TENANT = "greenlang.io/tenant-id";
    /** Label (sanitised) and annotation (exact) of the run id. */
    public static final String LABEL_RUN = "greenlang.io/run-id";
    /** Label (sanitised) and annotation (exact) of the step's name (every attempt of a step shares it). */
    public static final String LABEL_STEP = "greenlang.io/step-id";
    /** Label and annotation of the attempt number. */
    public static final String LABEL_ATTEMPT = "greenlang.io/attempt";
    /** Annotation of the agent id. */
    public static final String ANNOTATION_AGENT = "greenlang.io/agent";
    /** Annotation set to {@code true} once the worker has reported the attempt's end. */
    public static final String ANNOTATION_REPORTED = "greenlang.io/reported";

    /** Where Kubernetes mounts a pod's service-account credentials. */
    static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    private static final String LEGACY_JOB_NAME_LABEL = "job-name";
    private static final String BY_JOB = "greenlang-job";
    private static final String REPORTED_PATCH = "{\"metadata\":{\"annotations\":{\"" + ANNOTATION_REPORTED
            + "\":\"true\"}}}";

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final KubernetesJobSettings settings;
    private final GlMeters meters;
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService evaluator;
    private final SharedIndexInformer<Job> jobInformer;
    private final SharedIndexInformer<Pod> podInformer;
    private volatile boolean closed;

    private KubernetesJobExecutor(KubernetesClient client, boolean ownsClient, KubernetesJobSettings settings,
                                  GlMeters meters) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.evaluator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gl-k8s-executor-" + settings.namespace());
            t.setDaemon(true);
            return t;
        });
        this.jobInformer = client.batch().v1().jobs().inNamespace(settings.namespace())
                .withLabel(LABEL_APP, APP).runnableInformer(0);
        this.podInformer = client.pods().inNamespace(settings.namespace())
                .withLabel(LABEL_APP, APP).runnableInformer(0);
    }

    /**
     * An executor on {@code client}, watching {@code settings.namespace()}; returns once the informers have
     * listed the existing Jobs and pods. The caller keeps ownership of the client.
     *
     * @param client   the Kubernetes client
     * @param settings namespace, Job settings and timings
     * @param meters   where {@code gl_k8s_job_failures_total} is counted
     * @return the started executor
     * @throws GreenLangException when the Jobs or pods cannot be listed and watched (e.g. missing RBAC)
     */
    public static KubernetesJobExecutor start(KubernetesClient client, KubernetesJobSettings settings,
                                              GlMeters meters) {
        return start(client, false, settings, meters);
    }

    /**
     * The executor configured by {@code config}: a client built by {@link #newClient(GlConfig)} (closed with the
     * executor) and {@link KubernetesJobSettings#from(GlConfig)}.
     *
     * @param config the service's configuration
     * @param meters where {@code gl_k8s_job_failures_total} is counted
     * @return the started executor
     */
    public static KubernetesJobExecutor create(GlConfig config, GlMeters meters) {
        KubernetesClient client = newClient(config);
        try {
            return start(client, true, KubernetesJobSettings.from(config), meters);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * A fabric8 client as {@code GL_K8S_IN_CLUSTER} says: {@code true} uses the pod's service account (API server
     * from {@code KUBERNETES_SERVICE_HOST}/{@code _PORT}, its CA certificate, and its token, re-read on every
     * request because the kubelet rotates it); {@code false} reads the kubeconfig ({@code KUBECONFIG}, first
     * entry, else {@code ~/.kube/config}, current context).
     *
     * @param config the service's configuration
     * @return a new client; the caller closes it
     * @throws GlConfigException naming {@code GL_K8S_IN_CLUSTER} when the chosen credentials are not there
     */
    public static KubernetesClient newClient(GlConfig config) {
        return new KubernetesClientBuilder()
                .withConfig(clientConfig(config.k8sInCluster(), System.getenv(), SERVICE_ACCOUNT_DIR))
                .build();
    }

    /** The client configuration of {@link #newClient}, with the environment and credential paths as arguments. */
    static Config clientConfig(boolean inCluster, Map<String, String> env, Path serviceAccountDir) {
        if (inCluster) {
            String host = env.get("KUBERNETES_SERVICE_HOST");
            String port = env.get("KUBERNETES_SERVICE_PORT");
            Path token = serviceAccountDir.resolve("token");
            if (host == null || host.isBlank() || port == null || port.isBlank() || !Files.isReadable(token)) {
                throw new GlConfigException(GlConfig.K8S_IN_CLUSTER + "=true, but this process does not run in a "
                        + "Kubernetes pod (KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT unset or no token at "
                        + token + "); set " + GlConfig.K8S_IN_CLUSTER + "=false to use a kubeconfig");
            }
            String hostPart = host.contains(":") ? "[" + host + "]" : host;
            return new ConfigBuilder(Config.empty())
                    .withMasterUrl("https://" + hostPart + ":" + port)
                    .withCaCertFile(serviceAccountDir.resolve("ca.crt").toString())
                    .withOauthTokenProvider(() -> readToken(token))
                    .build();
        }
        String kubeconfigVar = env.get("KUBECONFIG");
        Path kubeconfig = kubeconfigVar == null || kubeconfigVar.isBlank()
                ? Path.of(System.getProperty("user.home"), ".kube", "config")
                : Path.of(kubeconfigVar.split(java.io.File.pathSeparator)[0]);
        if (!Files.isReadable(kubeconfig)) {
            throw new GlConfigException(GlConfig.K8S_IN_CLUSTER + "=false, but there is no kubeconfig at "
                    + kubeconfig + "; set KUBECONFIG, or " + GlConfig.K8S_IN_CLUSTER + "=true inside a cluster");
        }
        return Config.fromKubeconfig(kubeconfig.toFile());
    }

    private static String readToken(Path token) {
        try {
            return Files.readString(token, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new KubernetesClientException("cannot read the service-account token " + token, e);
        }
    }

    private static KubernetesJobExecutor start(KubernetesClient client, boolean ownsClient,
                                               KubernetesJobSettings settings, GlMeters meters) {
        KubernetesJobExecutor executor = new KubernetesJobExecutor(client, ownsClient, settings, meters);
        try {
            executor.startWatching();
        } catch (RuntimeException e) {
            executor.close();
            throw e;
        }
        return executor;
    }

    private void startWatching() {
        jobInformer.addEventHandler(new Trigger<>(j -> List.of(j.getMetadata().getName()), true));
        podInformer.addIndexers(Map.of(BY_JOB, KubernetesJobExecutor::jobNamesOf));
        podInformer.addEventHandler(new Trigger<>(KubernetesJobExecutor::jobNamesOf, false));
        String what = "list and watch Jobs and pods labelled " + LABEL_APP + "=" + APP + " in namespace "
                + settings.namespace();
        try {
            CompletableFuture.allOf(jobInformer.start().toCompletableFuture(),
                    podInformer.start().toCompletableFuture())
                    .get(settings.informerSyncTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.UNEXPECTED, "interrupted while starting to " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KubernetesClientException k) {
                throw K8sErrors.toGreenLang(k, what, null);
            }
            throw new GreenLangException(ErrorCode.UNEXPECTED, "cannot " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT, "cannot " + what + " within "
                    + settings.informerSyncTimeout().toSeconds() + " s", e);
        }
        jobInformer.stopped().whenComplete((v, e) -> informerStopped("Job", e));
        podInformer.stopped().whenComplete((v, e) -> informerStopped("pod", e));
        long poll = settings.pollInterval().toMillis();
        evaluator.scheduleWithFixedDelay(this::evaluateAll, poll, poll, TimeUnit.MILLISECONDS);
        log.info("Kubernetes executor watching namespace {} (service account {}, image pull grace {}, scheduling "
                + "grace {})", settings.namespace(), settings.serviceAccount(), settings.imagePullGrace(),
                settings.schedulingGrace());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Execution launch(StepLaunch launch) {
        ensureOpen();
        AttemptId id = launch.id();
        String name = K8sJobNames.jobName(id);
        Attempt known = attempts.get(name);
        if (known != null) {
            return handle(known, true);
        }
        Job job = K8sJobTemplate.build(launch, settings);
        for (int tries = 0; tries < 2; tries++) {
            try {
                Job created = jobs().resource(job).create();
                log.info("{}: created Job {}/{}", id, settings.namespace(), name);
                return handle(register(id, name, launchedAt(created)), false);
            } catch (KubernetesClientException e) {
                if (!K8sErrors.isConflict(e)) {
                    GreenLangException failure = K8sErrors.toGreenLang(e, "create Job " + name, name);
                    if (failure.errorCode() == ErrorCode.K8S_QUOTA) {
                        countFailure(ErrorCode.K8S_QUOTA);
                    }
                    throw failure;
                }
            }
            Job existing = get(name);
            if (existing != null) {
                requireSameAttempt(existing, id);
                log.info("{}: adopted the existing Job {}/{}", id, settings.namespace(), name);
                return handle(register(id, name, launchedAt(existing)), true);
            }
            // deleted between the conflict and the read (its TTL ran out): create it again
        }
        throw new GreenLangException(ErrorCode.UNEXPECTED, "Job " + name + " of " + id
                + " keeps appearing and disappearing; not launched");
    }

    @Override
    public List<Execution> recover() {
        ensureOpen();
        List<Job> items;
        try {
            JobList list = jobs().withLabel(LABEL_APP, APP).list();
            items = list.getItems();
        } catch (KubernetesClientException e) {
            throw K8sErrors.toGreenLang(e, "list Jobs in namespace " + settings.namespace(), null);
        }
        List<Execution> recovered = new ArrayList<>();
        for (Job job : items) {
            Map<String, String> annotations = annotations(job);
            if ("true".equals(annotations.get(ANNOTATION_REPORTED))) {
                continue;
            }
            AttemptId id = attemptOf(job);
            String name = job.getMetadata().getName();
            if (id == null || !name.equals(K8sJobNames.jobName(id))) {
                log.warn("Job {}/{} carries the label {}={} but does not name an attempt of this executor; ignored",
                        settings.namespace(), name, LABEL_APP, APP);
                continue;
            }
            recovered.add(handle(register(id, name, launchedAt(job)), true));
        }
        log.info("Recovered {} unreported attempt(s) in namespace {}", recovered.size(), settings.namespace());
        return recovered;
    }

    @Override
    public void cancel(AttemptId id) {
        ensureOpen();
        String name = K8sJobNames.jobName(id);
        Attempt attempt = attempts.get(name);
        if (attempt != null && attempt.over()) {
            return;
        }
        Job job = get(name);
        if (job == null) {
            if (attempt != null) {
                complete(attempt, ExecutionOutcome.cancelled("cancelled on request; the Job was already gone", null,
                        attempt.elapsed(Instant.now())));
            }
            return;
        }
        if (K8sJobOutcomes.isFinished(job)) {
            schedule(name, false);
            return;
        }
        if (attempt != null) {
            attempt.cancelRequested = true;
        }
        delete(name);
        log.info("{}: cancelled, Job {}/{} deleted", id, settings.namespace(), name);
        if (attempt != null) {
            complete(attempt, ExecutionOutcome.cancelled("cancelled on request", null,
                    attempt.elapsed(Instant.now())));
        }
    }

    @Override
    public void reported(AttemptId id) {
        ensureOpen();
        String name = K8sJobNames.jobName(id);
        try {
            jobs().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), REPORTED_PATCH);
        } catch (KubernetesClientException e) {
            if (!K8sErrors.isNotFound(e)) {
                throw K8sErrors.toGreenLang(e, "annotate Job " + name + " as reported", name);
            }
        }
        attempts.remove(name);
    }

    /** Stops watching; the Jobs keep running. Outcomes still pending complete exceptionally. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        jobInformer.close();
        podInformer.close();
        evaluator.shutdownNow();
        try {
            if (!evaluator.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Kubernetes executor: the evaluator thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IllegalStateException stopped = new IllegalStateException("the Kubernetes executor was closed before the "
                + "attempt ended; its Job keeps running and a restarted worker re-attaches with recover()");
        attempts.values().forEach(a -> a.outcome.completeExceptionally(stopped));
        attempts.clear();
        if (ownsClient) {
            client.close();
        }
    }

    // ------------------------------------------------------------------------------------------ evaluation

    /** Judges one attempt from the informers' caches. Runs on the evaluator thread only. */
    private void evaluate(String jobName, boolean jobDeleted) {
        Attempt attempt = attempts.get(jobName);
        if (attempt == null || attempt.over()) {
            return;
        }
        Instant now = Instant.now();
        Job job = jobInformer.getStore().getByKey(settings.namespace() + "/" + jobName);
        if (job == null) {
            // not in the cache: deleted (we saw it go), or not seen yet (just created), or deleted before this
            // attempt was registered (recovered or adopted in that instant): the API server decides the last case
            boolean gone = jobDeleted || (attempt.registeredAt.plus(settings.pollInterval().multipliedBy(3))
                    .isBefore(now) && jobs().withName(jobName).get() == null);
            if (gone) {
                complete(attempt, ExecutionOutcome.cancelled(attempt.cancelRequested ? "cancelled on request"
                        : "the Job was deleted outside the executor", null, attempt.elapsed(now)));
            }
            return;
        }
        List<Pod> pods = podInformer.getIndexer().byIndex(BY_JOB, jobName);
        if (K8sJobOutcomes.needsPodEvidence(job, pods)) {
            pods = listPods(jobName);
        }
        K8sJobOutcomes.Assessment assessment = K8sJobOutcomes.assess(job, pods);
        if (assessment instanceof K8sJobOutcomes.Ended ended) {
            Duration duration = attempt.elapsed(ended.endedAt() != null ? ended.endedAt() : now);
            complete(attempt, ended.kind() == ExecutionOutcome.Kind.EXITED ? ExecutionOutcome.exited(duration)
                    : ExecutionOutcome.failed(ended.failure(), ended.message(), ended.exitCode(), duration));
        } else if (assessment instanceof K8sJobOutcomes.Stalled stalled) {
            stalled(attempt, stalled, now);
        } else {
            attempt.stalledOn = null;
            attempt.stalledSince = null;
        }
    }

    /** A pod that cannot start: fail the attempt and delete its Job once the condition outlasts its grace. */
    private void stalled(Attempt attempt, K8sJobOutcomes.Stalled stalled, Instant now) {
        if (attempt.stalledOn != stalled.failure()) {
            attempt.stalledOn = stalled.failure();
            attempt.stalledSince = now;
        }
        Duration grace = stalled.failure() == ErrorCode.K8S_IMAGEPULL ? settings.imagePullGrace()
                : settings.schedulingGrace();
        Duration stuck = Duration.between(attempt.stalledSince, now);
        if (!stalled.permanent() && stuck.compareTo(grace) < 0) {
            return;
        }
        complete(attempt, ExecutionOutcome.failed(stalled.failure(), stalled.message() + String.format(Locale.ROOT,
                " (for %.1f s)", stuck.toMillis() / 1000.0), null, attempt.elapsed(now)));
        try {
            delete(attempt.jobName);
        } catch (GreenLangException e) {
            log.warn("{}: could not delete the stalled Job {}; its deadline will stop it", attempt.id,
                    attempt.jobName, e);
        }
    }

    private void evaluateAll() {
        for (Attempt attempt : attempts.values()) {
            if (attempt.over()) {
                continue;
            }
            try {
                evaluate(attempt.jobName, false);
            } catch (KubernetesClientException e) {
                log.warn("{}: cannot read the state of Job {} now, retrying in {}", attempt.id, attempt.jobName,
                        settings.pollInterval(), e);
            } catch (RuntimeException e) {
                // a bug here must not stop the periodic task (which would silently stop every grace period)
                log.error("{}: cannot judge Job {}", attempt.id, attempt.jobName, e);
                attempt.outcome.completeExceptionally(e);
            }
        }
    }

    private void schedule(String jobName, boolean jobDeleted) {
        if (closed || !attempts.containsKey(jobName)) {
            return;
        }
        try {
            evaluator.execute(() -> {
                try {
                    evaluate(jobName, jobDeleted);
                } catch (KubernetesClientException e) {
                    log.warn("Cannot read the state of Job {} now, retrying in {}", jobName,
                            settings.pollInterval(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Executor closing; Job {} not evaluated", jobName);
        }
    }

    /** Completes the attempt once; a failure is counted before the outcome is visible to anyone. */
    private void complete(Attempt attempt, ExecutionOutcome outcome) {
        if (!attempt.ended.compareAndSet(false, true)) {
            return;
        }
        if (outcome.kind() == ExecutionOutcome.Kind.FAILED) {
            countFailure(outcome.failure());
            log.info("{}: Job {} failed with {}: {}", attempt.id, attempt.jobName, outcome.failure().code(),
                    outcome.message());
        } else {
            log.info("{}: Job {} ended: {} ({})", attempt.id, attempt.jobName, outcome.kind(), outcome.message());
        }
        attempt.outcome.complete(outcome);
    }

    private void countFailure(ErrorCode code) {
        meters.counter(GlMetrics.K8S_JOB_FAILURES, code.code()).increment();
    }

    private void informerStopped(String kind, Throwable failure) {
        if (failure == null || closed) {
            return;
        }
        GreenLangException e = failure instanceof KubernetesClientException k
                ? K8sErrors.toGreenLang(k, "watch " + kind + "s in namespace " + settings.namespace(), null)
                : new GreenLangException(ErrorCode.UNEXPECTED, "the " + kind + " informer stopped", failure);
        log.error("Kubernetes executor: the {} informer stopped; pending attempts cannot be followed", kind, e);
        attempts.values().forEach(a -> a.outcome.completeExceptionally(e));
    }

    // ------------------------------------------------------------------------------------------ API helpers

    private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(settings.namespace());
    }

    private Job get(String name) {
        try {
            return jobs().withName(name).get();
        } catch (KubernetesClientException e) {
            throw K8sErrors.toGreenLang(e, "read Job " + name, name);
        }
    }

    private void delete(String name) {
        try {
            jobs().withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (!K8sErrors.isNotFound(e)) {
                throw K8sErrors.toGreenLang(e, "delete Job " + name, name);
            }
        }
    }

    /** The Job's pods straight from the API server (when the cache may lag). */
    private List<Pod> listPods(String jobName) {
        List<Pod> pods = client.pods().inNamespace(settings.namespace())
                .withLabel(JOB_NAME_LABEL, jobName).list().getItems();
        if (pods.isEmpty()) {
            pods = client.pods().inNamespace(settings.namespace())
                    .withLabel(LEGACY_JOB_NAME_LABEL, jobName).list().getItems();
        }
        return pods;
    }

    private Attempt register(AttemptId id, String name, Instant launchedAt) {
        Attempt attempt = attempts.computeIfAbsent(name, n -> new Attempt(id, n, launchedAt));
        schedule(name, false);
        return attempt;
    }

    private void requireSameAttempt(Job job, AttemptId id) {
        AttemptId existing = attemptOf(job);
        if (!id.equals(existing)) {
            throw new GreenLangException(ErrorCode.INTERNAL, "Job " + job.getMetadata().getName() + " exists but "
                    + "belongs to " + (existing == null ? "no GreenLang attempt" : existing) + ", not to " + id
                    + "; not adopted", null, Map.of("job", job.getMetadata().getName()));
        }
    }

    /** The exact attempt from the Job's annotations, or null when they do not name one. */
    private static AttemptId attemptOf(Job job) {
        Map<String, String> a = annotations(job);
        String tenant = a.get(LABEL_TENANT);
        String run = a.get(LABEL_RUN);
        String step = a.get(LABEL_STEP);
        String attempt = a.get(LABEL_ATTEMPT);
        if (tenant == null || run == null || step == null || attempt == null) {
            return null;
        }
        try {
            return new AttemptId(tenant, run, step, Integer.parseInt(attempt));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> annotations(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private static Instant launchedAt(Job job) {
        Instant created = K8sJobOutcomes.instant(job.getMetadata().getCreationTimestamp());
        return created != null ? created : Instant.now();
    }

    /** The Job a pod belongs to: the Job controller's label, else the owner reference. */
    private static List<String> jobNamesOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null) {
            String name = labels.getOrDefault(JOB_NAME_LABEL, labels.get(LEGACY_JOB_NAME_LABEL));
            if (name != null) {
                return List.of(name);
            }
        }
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        if (owners != null) {
            for (OwnerReference owner : owners) {
                if ("Job".equals(owner.getKind())) {
                    return List.of(owner.getName());
                }
            }
        }
        return List.of();
    }

    private String logsOf(Attempt attempt) {
        if (closed) {
            return "";
        }
        List<Pod> pods = podInformer.getIndexer().byIndex(BY_JOB, attempt.jobName);
        try {
            if (pods.isEmpty()) {
                pods = listPods(attempt.jobName);
            }
            Pod newest = pods.stream().max(Comparator.comparing(
                    p -> String.valueOf(p.getMetadata().getCreationTimestamp()))).orElse(null);
            if (newest == null) {
                return "";
            }
            String text = client.pods().inNamespace(settings.namespace()).withName(newest.getMetadata().getName())
                    .inContainer(K8sJobTemplate.CONTAINER).tailingLines(settings.logTailLines()).getLog();
            if (text == null) {
                return "";
            }
            return text.length() <= settings.maxLogChars() ? text
                    : text.substring(text.length() - settings.maxLogChars());
        } catch (KubernetesClientException e) {
            if (!K8sErrors.isNotFound(e)) {
                log.warn("{}: cannot read the log of Job {}", attempt.id, attempt.jobName, e);
            }
            return "";
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Kubernetes executor is closed");
        }
    }

    @Override
    public String toString() {
        return "KubernetesJobExecutor[" + settings.namespace() + ", " + attempts.size() + " attempts]";
    }

    // ------------------------------------------------------------------------------------------ state

    /** One attempt followed by this instance. */
    private static final class Attempt {
        final AttemptId id;
        final String jobName;
        final Instant launchedAt;
        final Instant registeredAt = Instant.now();
        final CompletableFuture<ExecutionOutcome> outcome = new CompletableFuture<>();
        final AtomicBoolean ended = new AtomicBoolean();
        volatile boolean cancelRequested;
        /** Evaluator thread only: what the pod is stalled on, and since when. */
        ErrorCode stalledOn;
        Instant stalledSince;

        Attempt(AttemptId id, String jobName, Instant launchedAt) {
            this.id = id;
            this.jobName = jobName;
            this.launchedAt = launchedAt;
        }

        /** True once an outcome was decided (or the future failed because the executor stopped). */
        boolean over() {
            return ended.get() || outcome.isDone();
        }

        Duration elapsed(Instant end) {
            Duration d = Duration.between(launchedAt, end);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /** What a caller of launch or recover holds. */
    private Execution handle(Attempt attempt, boolean adopted) {
        return new ExecutionHandle(attempt.id, attempt.launchedAt, adopted, attempt.outcome, () -> logsOf(attempt),
                "job " + attempt.jobName);
    }

    /** Hands every change of a Job or pod to the evaluator thread, keyed by the Job's name. */
    private final class Trigger<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Function<T, List<String>> jobNames;
        private final boolean jobs;

        Trigger(Function<T, List<String>> jobNames, boolean jobs) {
            this.jobNames = jobNames;
            this.jobs = jobs;
        }

        @Override
        public void onAdd(T obj) {
            jobNames.apply(obj).forEach(n -> schedule(n, false));
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            jobNames.apply(newObj).forEach(n -> schedule(n, false));
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            jobNames.apply(obj).forEach(n -> schedule(n, jobs));
        }
    }
}
