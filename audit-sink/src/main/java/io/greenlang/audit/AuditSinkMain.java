package io.greenlang.audit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.ServiceHttpServer;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.topics.TopicCatalog;

/**
 * The audit sink service: {@code AuditSinkMain [--topic-prefix <prefix>]}. Reads its settings from the
 * {@code GL_*} environment ({@code docs/config.md}: GL_POSTGRES_* or GL_AUDIT_DB_URL, GL_AUDIT_SCHEMA,
 * GL_AUDIT_TOPICS, GL_AUDIT_VERIFY_INTERVAL_SECONDS, GL_KAFKA_*), migrates the audit schema, serves
 * {@code /metrics} and {@code /health/*}, runs an {@link AuditSink} until SIGTERM and, unless the interval is 0,
 * an {@link AuditVerifier} that recomputes every chain periodically. Exits with 1 when the sink stops on its own (e.g. refused
 * credentials), with 2 on a bad argument.
 */
public final class AuditSinkMain {

    private static final Logger log = LoggerFactory.getLogger(AuditSinkMain.class);

    private AuditSinkMain() {
    }

    /**
     * Runs the sink until SIGTERM.
     *
     * @param args {@code [--topic-prefix <prefix>]}
     */
    public static void main(String[] args) throws InterruptedException {
        String prefix = "";
        if (args.length == 2 && args[0].equals("--topic-prefix") && !args[1].isBlank()) {
            prefix = args[1];
        } else if (args.length != 0) {
            log.error("Unexpected arguments {}. Usage: AuditSinkMain [--topic-prefix <prefix>]", List.of(args));
            System.exit(2);
            return;
        }
        Service service = Service.start(GlConfig.load(System.getenv(), Optional.empty()),
                TopicCatalog.withPrefix(prefix), prefix + AuditSink.DEFAULT_GROUP);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "audit-sink-shutdown"));
        Optional<GreenLangException> failure = service.sink.awaitTermination();
        if (failure.isPresent()) {
            service.close();
            System.exit(1);
        }
    }

    /** Everything the service runs, closed in reverse order of start. */
    static final class Service implements AutoCloseable {
        final PrometheusMeterRegistry registry;
        final AuditStore store;
        final AuditSink sink;
        final ServiceHttpServer http;
        /** The periodic verifier; empty when GL_AUDIT_VERIFY_INTERVAL_SECONDS is 0. */
        final Optional<AuditVerifier> verifier;
        private boolean closed;

        private Service(PrometheusMeterRegistry registry, AuditStore store, AuditSink sink, ServiceHttpServer http,
                Optional<AuditVerifier> verifier) {
            this.registry = registry;
            this.store = store;
            this.sink = sink;
            this.http = http;
            this.verifier = verifier;
        }

        static Service start(GlConfig config, TopicCatalog catalog, String groupId) {
            AuditStore store = new AuditStore(AuditDataSources.fromConfig(config), config.auditSchema());
            store.migrate();
            PrometheusMeterRegistry registry = GlMetrics.newRegistry(config);
            KafkaClients clients = new KafkaClients(config);
            String instance = config.serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8);
            GlMeters meters = new GlMeters(registry);
            AuditSink sink = new AuditSink(catalog, config.auditTopics(), store, clients.consumerProperties(groupId),
                    clients.producerProperties("dlq-" + instance), meters, instance);
            ServiceHttpServer http = ServiceHttpServer.start(config, registry, List.of(sink.healthCheck()));
            sink.start();
            Duration verifyInterval = config.auditVerifyInterval();
            Optional<AuditVerifier> verifier = verifyInterval.isZero() ? Optional.empty()
                    : Optional.of(new AuditVerifier(store, meters, verifyInterval).start());
            log.info("Audit sink started: group {}, topics {}, schema {}, health on port {}, metrics on port {},"
                    + " chains verified every {}", groupId, config.auditTopics(), config.auditSchema(),
                    http.healthPort(), http.metricsPort(), verifier.isPresent() ? verifyInterval : "never");
            return new Service(registry, store, sink, http, verifier);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            log.info("Audit sink stopping");
            verifier.ifPresent(AuditVerifier::close);
            sink.close();
            http.close();
            registry.close();
        }
    }
}
