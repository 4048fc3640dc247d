package io.greenlang.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.config.types.Password;

import io.greenlang.audit.AuditDataSources;
import io.greenlang.audit.AuditRoles;
import io.greenlang.audit.AuditSink;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.AuditVerifier;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PostgresConnection;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.executor.local.LocalProcessExecutor;
import io.greenlang.gateway.Gateway;
import io.greenlang.executor.worker.StepWorker;
import io.greenlang.localstack.LocalStack;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.policy.PolicyEngine;
import io.greenlang.streams.orchestrator.OrchestratorMetrics;
import io.greenlang.streams.orchestrator.RunOrchestratorApp;
import io.greenlang.streams.orchestrator.RunPlanner;
import io.greenlang.topics.TopicCatalog;

/**
 * The platform's services on the local stack, in this JVM, as {@code gl local up} and {@code gl demo} run them:
 * the run orchestrator (Kafka Streams, exactly-once) and the executor worker with the local-process executor,
 * whose agents run as child processes with this JVM's class path, and the audit sink, which appends every audited
 * event to its hash chain in PostgreSQL as the append-only role {@value #AUDIT_SINK_ROLE}. Closing stops them
 * (running agents are left to the next worker on the same data directory, as after any worker restart).
 */
final class LocalServices implements AutoCloseable {

    /** The role the local audit sink appends as: INSERT and SELECT on the events, nothing more. */
    static final String AUDIT_SINK_ROLE = "gl_audit_sink";
    /** File of the data directory holding the bootstrap admin API key (owner-only permissions). */
    static final String ADMIN_KEY_FILE = "admin.key";

    private final GlConfig config;
    private final RunOrchestratorApp orchestrator;
    private final ArtifactStore store;
    private final LocalProcessExecutor executor;
    private final StepWorker worker;
    private final AuditStore auditStore;
    private final AuditSink auditSink;
    private final AuditVerifier auditVerifier;
    private final Gateway api;
    private final String adminKey;

    private LocalServices(GlConfig config, RunOrchestratorApp orchestrator, ArtifactStore store,
                          LocalProcessExecutor executor, StepWorker worker, AuditStore auditStore,
                          AuditSink auditSink, AuditVerifier auditVerifier, Gateway api, String adminKey) {
        this.config = config;
        this.orchestrator = orchestrator;
        this.store = store;
        this.executor = executor;
        this.worker = worker;
        this.auditStore = auditStore;
        this.auditSink = auditSink;
        this.auditVerifier = auditVerifier;
        this.api = api;
        this.adminKey = adminKey;
    }

    /**
     * The settings that point the services at {@code stack} and keep their state under {@code dataDirectory}; they
     * win over the same keys anywhere else.
     */
    static Map<String, String> stackEnvironment(LocalStack stack, Path dataDirectory) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, stack.kafkaBootstrapServers());
        env.put(GlConfig.S3_ENDPOINT, stack.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, stack.s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, stack.s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, stack.s3SecretKey());
        env.put(GlConfig.S3_BUCKET, stack.bucketName());
        env.put(GlConfig.S3_USE_SSL, "false");
        env.put(GlConfig.WORKER_STATE_DIR, dataDirectory.resolve("worker").toString());
        env.put(GlConfig.POSTGRES_HOST, "127.0.0.1");
        env.put(GlConfig.POSTGRES_PORT, Integer.toString(stack.postgresPort()));
        env.put(GlConfig.POSTGRES_DATABASE, stack.databaseName());
        env.put(GlConfig.POSTGRES_USER, stack.postgresUser());
        env.put(GlConfig.POSTGRES_PASSWORD, stack.postgresPassword());
        return env;
    }

    /**
     * Starts the API gateway (REST API on {@code apiPort}, {@code /metrics} on {@code metricsPort}, 0 for free ones)
     * with its bootstrap admin key, then the orchestrator, the worker and the audit sink, whose meters go to the
     * gateway's {@code /metrics}; returns once the orchestrator is RUNNING.
     */
    static LocalServices start(GlConfig config, PolicyEngine policy, Path dataDirectory, int apiPort,
                               int metricsPort, PrintWriter out) throws InterruptedException {
        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Starting the run orchestrator (Kafka Streams, exactly-once), the executor worker "
                + "(local processes), the audit sink (hash chains in PostgreSQL) and the API gateway (outbox + Debezium, auth, lag monitor) ...");
        TopicCatalog catalog = TopicCatalog.standard();
        RunOrchestratorApp orchestrator = null;
        ArtifactStore store = null;
        LocalProcessExecutor executor = null;
        StepWorker worker = null;
        AuditStore auditStore = null;
        AuditSink auditSink = null;
        AuditVerifier auditVerifier = null;
        Gateway api = null;
        String adminKey = null;
        try {
            api = Gateway.start(config, apiPort, metricsPort);
            adminKey = api.apiKeys().bootstrapAdmin(dataDirectory.resolve(ADMIN_KEY_FILE));
            GlMeters meters = new GlMeters(api.meterRegistry());
            orchestrator = RunOrchestratorApp.create(config, catalog,
                    RunPlanner.compiling(new PipelineCompiler(config)), policy,
                    dataDirectory.resolve("streams-state"), new OrchestratorMetrics(meters));
            store = ArtifactStore.fromConfig(config, meters);
            executor = LocalProcessExecutor.fromConfig(config);
            worker = StepWorker.create(config, catalog, StepWorker.DEFAULT_GROUP, executor, store, meters);
            auditStore = startAuditStore(config);
            auditSink = new AuditSink(catalog, config.auditTopics(), auditStore,
                    new KafkaClients(config).consumerProperties(AuditSink.DEFAULT_GROUP),
                    new KafkaClients(config).producerProperties("audit-sink-dlq"), meters, config.serviceName());
            orchestrator.start();
            worker.start();
            auditSink.start();
            if (!config.auditVerifyInterval().isZero()) {
                auditVerifier = new AuditVerifier(auditStore, meters, config.auditVerifyInterval()).start();
            }
            if (!orchestrator.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the run orchestrator did not reach RUNNING within 60 s (state "
                        + orchestrator.state() + ")");
            }
        } catch (RuntimeException | InterruptedException e) {
            new LocalServices(config, orchestrator, store, executor, worker, auditStore, auditSink, auditVerifier,
                    api, adminKey).close();
            throw e;
        }
        LocalPlatform.done(out, t0);
        return new LocalServices(config, orchestrator, store, executor, worker, auditStore, auditSink,
                auditVerifier, api, adminKey);
    }

    /**
     * Migrates the audit schema as the configured (administrative) user, creates the sink's append-only role, and
     * returns the store as that role sees it.
     */
    private static AuditStore startAuditStore(GlConfig config) {
        PostgresConnection admin = config.postgresConnection();
        new AuditStore(AuditDataSources.of(admin), config.auditSchema()).migrate();
        String password = UUID.randomUUID().toString();
        AuditRoles.createSinkRole(AuditDataSources.of(admin), config.auditSchema(), AUDIT_SINK_ROLE, password);
        return new AuditStore(AuditDataSources.of(new PostgresConnection(admin.jdbcUrl(), AUDIT_SINK_ROLE,
                new Password(password), 1, 0)), config.auditSchema());
    }

    GlConfig config() {
        return config;
    }

    ArtifactStore store() {
        return store;
    }

    /** The audit store, as the sink's role sees it. */
    AuditStore auditStore() {
        return auditStore;
    }

    /** The base URL of the REST API, e.g. {@code http://127.0.0.1:8080}. */
    String apiUrl() {
        return "http://127.0.0.1:" + api.port();
    }

    /** The URL of the gateway's Prometheus metrics, e.g. {@code http://127.0.0.1:9090/metrics}. */
    String metricsUrl() {
        return "http://127.0.0.1:" + api.metricsPort() + "/metrics";
    }

    /** The meters of the gateway's {@code /metrics}, which every service of this process registers with. */
    GlMeters meters() {
        return new GlMeters(api.meterRegistry());
    }

    /** The bootstrap admin API key (every tenant, every role), also in {@link #ADMIN_KEY_FILE} of the data dir. */
    String adminKey() {
        return adminKey;
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        if (auditVerifier != null) {
            auditVerifier.close();
        }
        if (auditSink != null) {
            auditSink.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (store != null) {
            store.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }
}
