package io.greenlang.audit;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PostgresConnection;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.ServiceHttpServer;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.topics.TopicCatalog;

/**
 * The audit sink service: {@code AuditSinkMain [--topic-prefix <prefix>]}. Reads its settings from the
 * {@code GL_*} environment ({@code docs/config.md}: GL_POSTGRES_* or GL_AUDIT_DB_URL, GL_AUDIT_SCHEMA,
 * GL_AUDIT_TOPICS, GL_KAFKA_*), migrates the audit schema, serves {@code /metrics} and {@code /health/*}, and
 * runs an {@link AuditSink} until SIGTERM. Exits with 1 when the sink stops on its own (e.g. refused
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
        private boolean closed;

        private Service(PrometheusMeterRegistry registry, AuditStore store, AuditSink sink, ServiceHttpServer http) {
            this.registry = registry;
            this.store = store;
            this.sink = sink;
            this.http = http;
        }

        static Service start(GlConfig config, TopicCatalog catalog, String groupId) {
            PostgresConnection connection = config.postgresConnection();
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(connection.jdbcUrl());
            dataSource.setUser(connection.user());
            dataSource.setPassword(connection.password().value());
            AuditStore store = new AuditStore(dataSource, config.auditSchema());
            store.migrate();
            PrometheusMeterRegistry registry = GlMetrics.newRegistry(config);
            KafkaClients clients = new KafkaClients(config);
            String instance = config.serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8);
            AuditSink sink = new AuditSink(catalog, config.auditTopics(), store, clients.consumerProperties(groupId),
                    clients.producerProperties("dlq-" + instance), new GlMeters(registry), instance);
            ServiceHttpServer http = ServiceHttpServer.start(config, registry, List.of(sink.healthCheck()));
            sink.start();
            log.info("Audit sink started: group {}, topics {}, schema {}, health on port {}, metrics on port {}",
                    groupId, config.auditTopics(), config.auditSchema(), http.healthPort(), http.metricsPort());
            return new Service(registry, store, sink, http);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            log.info("Audit sink stopping");
            sink.close();
            http.close();
            registry.close();
        }
    }
}
