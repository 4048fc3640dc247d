package io.greenlang.gateway;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

import com.zaxxer.hikari.HikariDataSource;
import io.greenlang.audit.AuditDataSources;
import io.greenlang.audit.AuditStore;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.http.ServiceHttpServer;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.gateway.admin.AdminEvents;
import io.greenlang.gateway.admin.AdminResources;
import io.greenlang.gateway.admin.MaintenanceMode;
import io.greenlang.gateway.admin.TenantBlocklist;
import io.greenlang.gateway.auth.ApiKeyAuthenticator;
import io.greenlang.gateway.auth.ApiKeyResources;
import io.greenlang.gateway.auth.ApiKeys;
import io.greenlang.gateway.auth.OidcAuthenticator;
import io.greenlang.gateway.auth.RateLimitGuard;
import io.greenlang.gateway.lag.LagResources;
import io.greenlang.gateway.lag.LagSampler;
import io.greenlang.gateway.state.StateResources;
import io.greenlang.gateway.state.StateViews;
import io.greenlang.gateway.submit.RunSubmissions;
import io.greenlang.gateway.submit.SubmitSettings;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole API gateway of a deployment, assembled from its configuration: the REST API ({@link ApiServer}) with
 * every route group (run reads from the audit store, run submission through the outbox and Debezium, run
 * commands, API keys, live plant/agent/run state, admin operations, consumer lag), authentication (hashed API keys,
 * optional OIDC tokens), the tenant blocklist and rate limit, readiness over Kafka, PostgreSQL, S3, the Debezium
 * engine and the state views, and {@code /metrics} on its own port.
 *
 * <p>The gateway's tables live in {@code GL_GATEWAY_SCHEMA}, migrated at start; the audit store
 * ({@code GL_AUDIT_SCHEMA}) is read, never written. The configured PostgreSQL user needs DDL rights on the gateway
 * schema and the REPLICATION attribute (the outbox's logical replication slot).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final ApiServer server;
    private final ServiceHttpServer metrics;
    private final ApiKeys apiKeys;
    private final Deque<AutoCloseable> resources;
    private final PrometheusMeterRegistry registry;

    private Gateway(ApiServer server, ServiceHttpServer metrics, ApiKeys apiKeys, Deque<AutoCloseable> resources,
                    PrometheusMeterRegistry registry) {
        this.server = server;
        this.metrics = metrics;
        this.apiKeys = apiKeys;
        this.resources = resources;
        this.registry = registry;
    }

    /**
     * Starts the gateway: migrates its schema, starts the outbox engine, the state views and the lag sampler,
     * then serves the API and the metrics.
     *
     * @param config      the platform configuration
     * @param apiPort     the API's port (the runbook's 8080: {@code GL_HEALTH_PORT}), 0 for any free port
     * @param metricsPort the port of {@code /metrics} ({@code GL_METRICS_PORT}), 0 for any free port
     * @return the running gateway
     */
    public static Gateway start(GlConfig config, int apiPort, int metricsPort) {
        return start(config, TopicCatalog.standard(), apiPort, metricsPort);
    }

    /**
     * Starts the gateway over the topics of this catalogue (the standard one in a deployment).
     *
     * @param config      the platform configuration
     * @param catalog     the topics
     * @param apiPort     the API's port, 0 for any free port
     * @param metricsPort the port of {@code /metrics}, 0 for any free port
     * @return the running gateway
     */
    public static Gateway start(GlConfig config, TopicCatalog catalog, int apiPort, int metricsPort) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(catalog, "catalog");
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            String instance = ManagementFactory.getRuntimeMXBean().getName().replaceAll("[^A-Za-z0-9._-]", "-");
            KafkaClients kafka = new KafkaClients(config);
            PrometheusMeterRegistry registry = GlMetrics.newRegistry(config);
            HikariDataSource dataSource = AuditDataSources.pooled(config.postgresConnection(), "greenlang-gateway");
            resources.push(dataSource);
            GatewayDatabase database = new GatewayDatabase(dataSource, config.gatewaySchema()).migrate();
            AuditStore auditStore = new AuditStore(dataSource, config.auditSchema());

            Admin admin = Admin.create(kafka.adminProperties());
            resources.push(admin);
            S3Client s3 = ArtifactStore.client(config, Duration.ofSeconds(2));
            resources.push(s3);

            ApiKeys apiKeys = new ApiKeys(database);
            List<Authenticator> authenticators = new ArrayList<>(List.of(new ApiKeyAuthenticator(apiKeys)));
            OidcAuthenticator.fromConfig(config).ifPresent(authenticators::add);

            MaintenanceMode maintenance = new MaintenanceMode(database);
            TenantBlocklist blocklist = new TenantBlocklist(database);
            StateViews views = new StateViews(catalog, kafka.streamsProperties(StateViews.applicationId(instance)));
            resources.push(views);
            views.start();
            AdminEvents adminEvents = new AdminEvents(catalog, kafka.producerProperties("gl-gateway-admin"), instance);
            resources.push(adminEvents);
            RunSubmissions submissions = RunSubmissions.builder(
                            SubmitSettings.fromConfig(config), dataSource,
                            kafka.adminProperties())
                    .catalog(catalog)
                    .compiler(new PipelineCompiler(config))
                    .maintenance(maintenance)
                    .auditStore(auditStore)
                    .meterRegistry(registry)
                    .build();
            resources.push(submissions);
            submissions.start();
            LagSampler lag = LagSampler.fromConfig(config, admin, new GlMeters(registry));
            resources.push(lag);
            lag.start();

            ApiServer.Builder builder = ApiServer.builder()
                    .runReads(auditStore, dataSource)
                    .submittedRuns(submissions::submitted)
                    .routes(submissions.routes(), RunSubmissions.COMPONENTS)
                    .routes(new StateResources(views).routes(), StateResources.COMPONENTS)
                    .routes(new AdminResources(views, adminEvents, blocklist, maintenance).routes(),
                            AdminResources.COMPONENTS)
                    .routes(new ApiKeyResources(apiKeys).routes(), ApiKeyResources.COMPONENTS)
                    .routes(new LagResources(lag).routes(), LagResources.COMPONENTS)
                    .authenticator(Authenticator.firstOf(authenticators))
                    .guard(blocklist.guard())
                    .meterRegistry(registry)
                    .readiness(new KafkaHealthCheck(admin))
                    .readiness(new PostgresHealthCheck(dataSource, config.auditSchema()))
                    .readiness(new S3HealthCheck(s3, config.s3Bucket()))
                    .readiness(submissions.healthCheck())
                    .readiness(views.healthCheck());
            RateLimitGuard.fromConfig(config).ifPresent(builder::guard);
            ApiServer server = builder.build();
            resources.push(server);
            server.start(apiPort);
            ServiceHttpServer metrics = ServiceHttpServer.builder(registry).port(metricsPort).start();
            resources.push(metrics);
            LOG.info("API gateway serving the API on port {} and /metrics on port {}", server.port(),
                    metrics.metricsPort());
            return new Gateway(server, metrics, apiKeys, resources, registry);
        } catch (RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    /** The REST API server. */
    public ApiServer server() {
        return server;
    }

    /** The API's bound port. */
    public int port() {
        return server.port();
    }

    /** The bound port of {@code /metrics}. */
    public int metricsPort() {
        return metrics.metricsPort();
    }

    /**
     * The registry {@code /metrics} serves: services running in the same process register their meters here so
     * that one scrape shows them all.
     */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The API key store, e.g. to create the bootstrap admin key. */
    public ApiKeys apiKeys() {
        return apiKeys;
    }

    /** Stops serving, then stops the lag sampler, the outbox engine and the state views. Idempotent. */
    @Override
    public void close() {
        synchronized (resources) {
            closeAll(resources, null);
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources, Exception cause) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else {
                    LOG.warn("Closing {} failed", resource, e);
                }
            }
        }
    }
}
