package io.greenlang.executor.worker;

import java.util.List;
import java.util.Optional;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.http.ServiceHttpServer;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.executor.StepExecutor;
import io.greenlang.topics.TopicCatalog;

/**
 * The executor worker service: {@code WorkerMain [--topic-prefix <prefix>]}. Reads its settings from the
 * {@code GL_*} environment ({@code docs/config.md}), serves {@code /metrics}, {@code /health/live} and
 * {@code /health/ready}, and runs a {@link StepWorker} until SIGTERM, on which it stops consuming, lets the
 * reports under way finish and exits; running steps keep running for the next worker to re-attach to.
 *
 * <p>{@code --topic-prefix} runs a deployment isolated by name (benchmarks, tests): every topic name and the
 * consumer group get the prefix. The process exits with 1 when the worker stops on its own (a fatal Kafka error),
 * so that it is restarted, and with 2 on a bad argument.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    /**
     * Runs the worker until SIGTERM.
     *
     * @param args {@code [--topic-prefix <prefix>]}
     */
    public static void main(String[] args) throws InterruptedException {
        String prefix;
        try {
            prefix = topicPrefix(List.of(args));
        } catch (IllegalArgumentException e) {
            log.error("{}. Usage: WorkerMain [--topic-prefix <prefix>]", e.getMessage());
            System.exit(2);
            return;
        }
        GlConfig config = GlConfig.load(System.getenv(), Optional.empty());
        Service service = Service.start(config, TopicCatalog.withPrefix(prefix), prefix + StepWorker.DEFAULT_GROUP);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "executor-worker-shutdown"));
        Optional<RuntimeException> failure = service.worker.awaitTermination();
        if (failure.isPresent()) {
            service.close();
            System.exit(1);
        }
    }

    static String topicPrefix(List<String> args) {
        if (args.isEmpty()) {
            return "";
        }
        if (args.size() == 2 && args.get(0).equals("--topic-prefix") && !args.get(1).isBlank()) {
            return args.get(1);
        }
        throw new IllegalArgumentException("Unexpected arguments " + args);
    }

    /** Everything the service runs, closed in reverse order of start. */
    static final class Service implements AutoCloseable {
        final PrometheusMeterRegistry registry;
        final ArtifactStore store;
        final StepExecutor executor;
        final StepWorker worker;
        final ServiceHttpServer http;
        private boolean closed;

        private Service(PrometheusMeterRegistry registry, ArtifactStore store, StepExecutor executor,
                        StepWorker worker, ServiceHttpServer http) {
            this.registry = registry;
            this.store = store;
            this.executor = executor;
            this.worker = worker;
            this.http = http;
        }

        static Service start(GlConfig config, TopicCatalog catalog, String groupId) {
            PrometheusMeterRegistry registry = GlMetrics.newRegistry(config);
            GlMeters meters = new GlMeters(registry);
            ArtifactStore store = ArtifactStore.fromConfig(config, meters);
            StepExecutor executor = StepExecutors.fromConfig(config, meters);
            StepWorker worker = StepWorker.create(config, catalog, groupId, executor, store, meters);
            ServiceHttpServer http = ServiceHttpServer.start(config, registry, List.of(worker.healthCheck()));
            worker.start();
            log.info("Executor worker started: group {}, executor {}, health on port {}, metrics on port {}",
                    groupId, executor.name(), http.healthPort(), http.metricsPort());
            return new Service(registry, store, executor, worker, http);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            log.info("Executor worker stopping");
            worker.close();
            executor.close();
            store.close();
            http.close();
            registry.close();
        }
    }
}
