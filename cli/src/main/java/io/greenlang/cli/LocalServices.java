package io.greenlang.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.executor.local.LocalProcessExecutor;
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
 * whose agents run as child processes with this JVM's class path. Closing stops them (running agents are left to
 * the next worker on the same data directory, as after any worker restart).
 */
final class LocalServices implements AutoCloseable {

    private final GlConfig config;
    private final RunOrchestratorApp orchestrator;
    private final ArtifactStore store;
    private final LocalProcessExecutor executor;
    private final StepWorker worker;

    private LocalServices(GlConfig config, RunOrchestratorApp orchestrator, ArtifactStore store,
                          LocalProcessExecutor executor, StepWorker worker) {
        this.config = config;
        this.orchestrator = orchestrator;
        this.store = store;
        this.executor = executor;
        this.worker = worker;
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
        return env;
    }

    /** Starts the orchestrator and the worker; returns once the orchestrator is RUNNING. */
    static LocalServices start(GlConfig config, PolicyEngine policy, Path dataDirectory, PrintWriter out)
            throws InterruptedException {
        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Starting the run orchestrator (Kafka Streams, exactly-once) and the executor worker "
                + "(local processes) ...");
        TopicCatalog catalog = TopicCatalog.standard();
        GlMeters meters = new GlMeters(new SimpleMeterRegistry());
        RunOrchestratorApp orchestrator = RunOrchestratorApp.create(config, catalog,
                RunPlanner.compiling(new PipelineCompiler(config)), policy, dataDirectory.resolve("streams-state"),
                OrchestratorMetrics.unregistered());
        ArtifactStore store = null;
        LocalProcessExecutor executor = null;
        StepWorker worker = null;
        try {
            store = ArtifactStore.fromConfig(config, meters);
            executor = LocalProcessExecutor.fromConfig(config);
            worker = StepWorker.create(config, catalog, StepWorker.DEFAULT_GROUP, executor, store, meters);
            orchestrator.start();
            worker.start();
            if (!orchestrator.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the run orchestrator did not reach RUNNING within 60 s (state "
                        + orchestrator.state() + ")");
            }
        } catch (RuntimeException | InterruptedException e) {
            new LocalServices(config, orchestrator, store, executor, worker).close();
            throw e;
        }
        LocalPlatform.done(out, t0);
        return new LocalServices(config, orchestrator, store, executor, worker);
    }

    GlConfig config() {
        return config;
    }

    ArtifactStore store() {
        return store;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (store != null) {
            store.close();
        }
        orchestrator.close();
    }
}
