package io.greenlang.common.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.greenlang.common.config.GlConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operational HTTP endpoints every GreenLang service exposes, on the JDK's built-in
 * {@link HttpServer} (no web framework):
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text format (0.0.4) of the service's registry;</li>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process can answer at all;</li>
 *   <li>{@code GET /health/ready}: 200 when every {@link HealthCheck} is UP, else 503; the body is
 *       {@code {"status":"UP|DOWN","<check>":{"status":"UP|DOWN","detail":"..."},...}}, each check a top-level
 *       member so that the runbook's {@code curl .../health/ready | jq '.s3'} works.</li>
 * </ul>
 * As in the runbook, health is served on {@code GL_HEALTH_PORT} and metrics on {@code GL_METRICS_PORT}; when
 * both ports are equal (or both 0, "any free port") one server serves all three paths. Port 0 binds a free
 * port, read back with {@link #healthPort()} and {@link #metricsPort()}.
 *
 * <p>Checks run concurrently, each limited to the check timeout (default 2 s, below the runbook's 3 s probe
 * timeout); a check that throws, returns null or times out is DOWN with the reason as detail. Requests are
 * handled on two daemon threads so a slow scrape does not delay a probe.
 *
 * <p>This server is for probes and scrapes only: it must never serve the product API (that is the gateway's),
 * never require authentication and never put secrets into a check's detail.
 */
public final class ServiceHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceHttpServer.class);

    /** Content type of {@code /metrics}. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Default limit of one health check. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private static final String JSON = "application/json; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final PrometheusMeterRegistry registry;
    private final Readiness readiness;
    private final HttpServer healthServer;
    private final HttpServer metricsServer;
    private final ExecutorService httpExecutor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceHttpServer(Builder b) throws IOException {
        this.registry = b.registry;
        this.readiness = new Readiness(b.checks, b.checkTimeout);
        int id = INSTANCES.incrementAndGet();
        this.httpExecutor = Executors.newFixedThreadPool(2, daemonThreads("gl-http-" + id + "-"));
        boolean shared = b.healthPort.intValue() == b.metricsPort.intValue();
        HttpServer health = null;
        HttpServer metrics = null;
        try {
            health = bind(b.bindAddress, b.healthPort, "health");
            metrics = shared ? health : bind(b.bindAddress, b.metricsPort, "metrics");
        } catch (IOException | RuntimeException e) {
            if (health != null) {
                health.stop(0);
            }
            httpExecutor.shutdownNow();
            readiness.close();
            throw e;
        }
        this.healthServer = health;
        this.metricsServer = metrics;
        healthServer.createContext("/health/live", exchange -> handle(exchange, "/health/live", this::live));
        healthServer.createContext("/health/ready", exchange -> handle(exchange, "/health/ready", this::ready));
        metricsServer.createContext("/metrics", exchange -> handle(exchange, "/metrics", this::metrics));
        healthServer.createContext("/", exchange -> handle(exchange, null, null));
        if (!shared) {
            metricsServer.createContext("/", exchange -> handle(exchange, null, null));
        }
        healthServer.setExecutor(httpExecutor);
        healthServer.start();
        if (!shared) {
            metricsServer.setExecutor(httpExecutor);
            metricsServer.start();
        }
        log.info("Serving /health/live and /health/ready on port {} and /metrics on port {} ({} readiness checks)",
                healthPort(), metricsPort(), readiness.names().size());
    }

    /**
     * A builder for a server exposing {@code registry}.
     *
     * @param registry the service's registry, from {@link io.greenlang.common.metrics.GlMetrics#newRegistry}
     * @return the builder
     */
    public static Builder builder(PrometheusMeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Starts the server on the configured {@code GL_HEALTH_PORT} and {@code GL_METRICS_PORT}.
     *
     * @param config   the service's configuration
     * @param registry the service's registry
     * @param checks   the readiness checks
     * @return the running server
     */
    public static ServiceHttpServer start(GlConfig config, PrometheusMeterRegistry registry,
                                          Collection<? extends HealthCheck> checks) {
        return builder(registry).healthPort(config.healthPort()).metricsPort(config.metricsPort())
                .healthChecks(checks).start();
    }

    /** The bound port of the health endpoints. */
    public int healthPort() {
        return healthServer.getAddress().getPort();
    }

    /** The bound port of {@code /metrics}. */
    public int metricsPort() {
        return metricsServer.getAddress().getPort();
    }

    /**
     * Runs every check now, concurrently, each within the check timeout.
     *
     * @return the result of each check, by name, in registration order
     */
    public Map<String, HealthCheck.Result> runChecks() {
        return readiness.run();
    }

    /** Stops both servers at once and the worker threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        healthServer.stop(0);
        if (metricsServer != healthServer) {
            metricsServer.stop(0);
        }
        httpExecutor.shutdownNow();
        readiness.close();
        log.info("Stopped health and metrics server");
    }

    // ------------------------------------------------------------------ handlers

    private record Response(int status, String contentType, byte[] body) {
    }

    @FunctionalInterface
    private interface Endpoint {
        Response respond() throws IOException;
    }

    private void handle(HttpExchange exchange, String path, Endpoint endpoint) throws IOException {
        try (exchange) {
            Response response;
            String method = exchange.getRequestMethod();
            if (endpoint == null || !exchange.getRequestURI().getPath().equals(path)) {
                response = json(404, Map.of("error", "not found", "path", exchange.getRequestURI().getPath()));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                response = json(405, Map.of("error", "method not allowed"));
            } else {
                try {
                    response = endpoint.respond();
                } catch (RuntimeException e) {
                    log.error("Failure answering {} {}", method, path, e);
                    response = json(500, Map.of("error", "internal error"));
                }
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.status(), -1);
            } else {
                exchange.sendResponseHeaders(response.status(), response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    private Response live() throws JsonProcessingException {
        return json(200, Map.of("status", HealthCheck.Status.UP.name()));
    }

    private Response ready() throws JsonProcessingException {
        Map<String, HealthCheck.Result> results = runChecks();
        boolean up = Readiness.allUp(results);
        Map<String, Object> body = Readiness.body(results);
        return json(up ? 200 : 503, body);
    }

    private Response metrics() {
        return new Response(200, PROMETHEUS_CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private static Response json(int status, Map<String, ?> body) throws JsonProcessingException {
        return new Response(status, JSON, MAPPER.writeValueAsBytes(body));
    }

    private static HttpServer bind(InetAddress address, int port, String what) throws IOException {
        InetSocketAddress socket = address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
        try {
            return HttpServer.create(socket, 0);
        } catch (IOException e) {
            throw new IOException("Cannot bind the " + what + " server to " + socket + ": " + e.getMessage(), e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Configures a {@link ServiceHttpServer}. Both ports must be set ({@link #port(int)} sets both).
     */
    public static final class Builder {
        private final PrometheusMeterRegistry registry;
        private final List<HealthCheck> checks = new ArrayList<>();
        private InetAddress bindAddress;
        private Integer healthPort;
        private Integer metricsPort;
        private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;

        private Builder(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Serves everything on one port.
         *
         * @param port 0 for any free port
         * @return this
         */
        public Builder port(int port) {
            return healthPort(port).metricsPort(port);
        }

        /**
         * @param port port of the health endpoints, 0 for any free port
         * @return this
         */
        public Builder healthPort(int port) {
            this.healthPort = checkPort(port);
            return this;
        }

        /**
         * @param port port of {@code /metrics}, 0 for any free port
         * @return this
         */
        public Builder metricsPort(int port) {
            this.metricsPort = checkPort(port);
            return this;
        }

        /**
         * @param address the interface to bind; default all interfaces (what Kubernetes probes need)
         * @return this
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * @param check a readiness check; names must be unique and not {@code status}
         * @return this
         */
        public Builder healthCheck(HealthCheck check) {
            Objects.requireNonNull(check, "check");
            String name = Objects.requireNonNull(check.name(), "check name");
            if (name.isBlank() || name.equals("status")) {
                throw new IllegalArgumentException("A health check cannot be named '" + name + "'");
            }
            if (checks.stream().anyMatch(c -> c.name().equals(name))) {
                throw new IllegalArgumentException("Duplicate health check name: " + name);
            }
            checks.add(check);
            return this;
        }

        /**
         * @param checks readiness checks
         * @return this
         */
        public Builder healthChecks(Collection<? extends HealthCheck> checks) {
            checks.forEach(this::healthCheck);
            return this;
        }

        /**
         * @param timeout limit of one readiness evaluation, positive
         * @return this
         */
        public Builder checkTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("check timeout must be positive: " + timeout);
            }
            this.checkTimeout = timeout;
            return this;
        }

        /**
         * Binds and starts the server.
         *
         * @return the running server; close it on shutdown
         * @throws UncheckedIOException if a port cannot be bound
         */
        public ServiceHttpServer start() {
            if (healthPort == null || metricsPort == null) {
                throw new IllegalStateException("Set the health and metrics ports (port(0) for any free port)");
            }
            try {
                return new ServiceHttpServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
