package io.greenlang.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.audit.AuditStore;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.http.Readiness;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.ParsedEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server (Javalin 7 on Jetty 12): the routes of its {@link RouteTable}, the OpenAPI document
 * of that same table at {@value #OPENAPI_PATH}, liveness and readiness, and one error contract for everything,
 * RFC 9457 {@value Problem#CONTENT_TYPE} ({@link Problem}):
 * <ul>
 *   <li>unknown route 404, wrong method 405 (with {@code Allow}), bad parameter 400, body over
 *       {@value #MAX_REQUEST_BYTES} bytes 413 ({@link RequestErrors} picks their codes);</li>
 *   <li>{@link GreenLangException}: its code's HTTP status, code and fix;</li>
 *   <li>anything else: 500 {@code GL-E-INTERNAL} with an {@code error_id} that is logged with the stack trace;
 *       the body never carries the exception's message or stack.</li>
 * </ul>
 *
 * <p>Every route declares the {@link Role}s that may call it; for those routes the server authenticates the
 * caller ({@link Authenticator}: 401 without credentials), checks the roles (403 GL-E-RBAC-DENIED) and runs the
 * {@link RequestGuard}s (blocklist, rate limit) before the handler, which reads the caller with
 * {@link Principal#of}. The server never writes to the audit store.
 */
public final class ApiServer implements AutoCloseable {

    /** Largest request body accepted: 1 MiB. */
    public static final long MAX_REQUEST_BYTES = 1L << 20;
    /** Where the OpenAPI document is served. */
    public static final String OPENAPI_PATH = "/api/v1/openapi.json";
    /** Limit of one readiness evaluation. */
    public static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);
    /** {@code info.version} of the OpenAPI document. */
    public static final String API_VERSION = "1.0.0";

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String JSON = "application/json";
    private static final List<String> METHOD_OVERRIDE_HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method",
            "X-Method-Override");

    private final ObjectMapper mapper = ApiJson.MAPPER;
    private final RouteTable routes;
    private final Map<String, Route> byKey = new HashMap<>();
    private final Authenticator authenticator;
    private final List<RequestGuard> guards;
    private final GlMeters meters;
    private final Readiness readiness;
    private final byte[] openApi;
    private final Javalin app;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApiServer(Builder builder) {
        this.readiness = new Readiness(builder.readinessChecks, READINESS_TIMEOUT);
        this.authenticator = Objects.requireNonNull(builder.authenticator, "an authenticator is required");
        this.guards = List.copyOf(builder.guards);
        this.meters = builder.registry == null ? null : new GlMeters(builder.registry);
        List<Route> all = new ArrayList<>();
        List<String> components = new ArrayList<>(List.of("openapi-components.json"));
        if (builder.store != null) {
            all.addAll(runReadRoutes(
                    new RunResources(builder.store, builder.dataSource, mapper, builder.submittedRuns)));
        }
        all.addAll(builder.routes);
        components.addAll(builder.componentResources);
        all.addAll(serviceRoutes());
        this.routes = RouteTable.of(all, components);
        for (Route route : routes.routes()) {
            byKey.put(route.key(), route);
        }
        this.openApi = bytes(routes.openApi(mapper, "GreenLang API", API_VERSION));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.http.prefer405over404 = true;
            config.routes.before(this::screen);
            config.routes.beforeMatched(this::authorize);
            routes.registerIn(config.routes);
            config.routes.after(this::count);
            config.routes.exception(ProblemException.class, (e, ctx) -> answer(ctx,
                    new Problem(e.status(), e.code(), e.detail(), ctx.path(), Map.of(), null)));
            config.routes.exception(GreenLangException.class, this::greenLangException);
            config.routes.exception(HttpResponseException.class, this::frameworkException);
            config.routes.exception(Exception.class, this::unexpected);
        });
    }

    /** A builder of a server; at least an {@link Builder#authenticator} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the parts of an {@link ApiServer}. */
    public static final class Builder {
        private AuditStore store;
        private DataSource dataSource;
        private SubmittedRuns submittedRuns = SubmittedRuns.NONE;
        private final List<Route> routes = new ArrayList<>();
        private final List<String> componentResources = new ArrayList<>();
        private final List<HealthCheck> readinessChecks = new ArrayList<>();
        private final List<RequestGuard> guards = new ArrayList<>();
        private Authenticator authenticator;
        private MeterRegistry registry;

        private Builder() {
        }

        /**
         * Serves the read side of the audit store: run pages, runs, events, audit packages.
         *
         * @param auditStore      the audit store to read
         * @param auditDataSource the store's connections (audit packages are read in one snapshot through them)
         * @return this
         */
        public Builder runReads(AuditStore auditStore, DataSource auditDataSource) {
            this.store = Objects.requireNonNull(auditStore, "auditStore");
            this.dataSource = Objects.requireNonNull(auditDataSource, "auditDataSource");
            return this;
        }

        /**
         * Lets the run read routes answer for runs accepted by this gateway but not yet in the audit store.
         *
         * @param runs the accepted runs
         * @return this
         */
        public Builder submittedRuns(SubmittedRuns runs) {
            this.submittedRuns = Objects.requireNonNull(runs, "runs");
            return this;
        }

        /**
         * Serves a group of routes.
         *
         * @param group              the routes
         * @param componentsResource the classpath resource (relative to {@link RouteTable} or absolute) holding the
         *                           OpenAPI schemas the routes name, or null when they only name existing ones
         * @return this
         */
        public Builder routes(List<Route> group, String componentsResource) {
            routes.addAll(group);
            if (componentsResource != null && !componentResources.contains(componentsResource)) {
                componentResources.add(componentsResource);
            }
            return this;
        }

        /** Adds a check to {@code /health/ready}. */
        public Builder readiness(HealthCheck check) {
            readinessChecks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Sets who may call the routes that declare roles. */
        public Builder authenticator(Authenticator value) {
            this.authenticator = Objects.requireNonNull(value, "authenticator");
            return this;
        }

        /** Adds a guard run on every authenticated request, in the order added. */
        public Builder guard(RequestGuard guard) {
            guards.add(Objects.requireNonNull(guard, "guard"));
            return this;
        }

        /** Counts requests in {@code gl_api_requests_total} of this registry. */
        public Builder meterRegistry(MeterRegistry value) {
            this.registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /** The server, not started. */
        public ApiServer build() {
            return new ApiServer(this);
        }
    }

    private List<Route> runReadRoutes(RunResources runs) {
        Set<Role> viewer = Set.of(Role.VIEWER);
        List<QueryParameter> listQuery = List.of(
                new QueryParameter("status", "string", "Only runs in this status (a RunStatus, any case)"),
                new QueryParameter("tenant", "string", "Only runs of this tenant"),
                new QueryParameter("limit", "integer", "Page size, 1 to " + AuditStore.MAX_RUNS_PAGE + ", default "
                        + RunResources.DEFAULT_LIMIT),
                new QueryParameter("cursor", "string", "next_cursor of the previous page"));
        return List.of(
                new Route(HandlerType.GET, "/api/v1/runs", "listRuns",
                        "Runs from the audit store in run id order, one page at a time", viewer, listQuery,
                        "RunPage", false, runs::list),
                new Route(HandlerType.GET, "/api/v1/runs/{id}", "getRun",
                        "One run with its steps, as its audit chain tells it", viewer, List.of(), "Run", false,
                        runs::get),
                new Route(HandlerType.GET, "/api/v1/runs/{id}/events", "listRunEvents",
                        "Every audited event of the run with seq, hashes and Kafka coordinates", viewer, List.of(),
                        "AuditedEvent", true, runs::events),
                new Route(HandlerType.GET, "/api/v1/runs/{id}/audit-package", "getAuditPackage",
                        "The run's audit package (greenlang-audit-package/1) with chain_valid", viewer, List.of(),
                        "AuditPackage", false, runs::auditPackage));
    }

    private List<Route> serviceRoutes() {
        return List.of(
                new Route(HandlerType.GET, OPENAPI_PATH, "getOpenApi", "This document", Set.of(), List.of(),
                        "OpenApiDocument", false, ctx -> ctx.contentType(JSON).result(openApi)),
                new Route(HandlerType.GET, "/health/live", "live", "Liveness: 200 while the process answers",
                        Set.of(), List.of(), "Liveness", false, ctx -> json(ctx, 200, Map.of("status", "UP"))),
                new Route(HandlerType.GET, "/health/ready", "ready",
                        "Readiness: 200 when every dependency check is UP, else 503", Set.of(), List.of(),
                        "Readiness", false, this::ready));
    }
    /**
     * Binds the server and starts serving.
     *
     * @param port the port, 0 for any free port (read it back with {@link #port()})
     * @return this
     * @throws IllegalStateException if already started or closed
     */
    public ApiServer start(int port) {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("The API server can be started once");
        }
        app.start(port);
        LOG.info("API gateway serving {} routes on port {}", routes.routes().size(), app.port());
        return this;
    }

    /** The bound port; valid after {@link #start(int)}. */
    public int port() {
        return app.port();
    }

    /** The route table the server registered and documents. */
    public RouteTable routes() {
        return routes;
    }

    /**
     * The HTTP endpoints Javalin actually has registered, as {@code METHOD path} (before/after filters excluded):
     * what the OpenAPI document is checked against.
     *
     * @return the endpoints in registration order
     */
    public List<String> registeredEndpoints() {
        List<String> result = new ArrayList<>();
        for (ParsedEndpoint parsed : app.unsafe.internalRouter.allHttpHandlers()) {
            if (parsed.endpoint.method.isHttpMethod()) {
                result.add(parsed.endpoint.method.name() + " " + parsed.endpoint.path);
            }
        }
        return result;
    }

    /** Stops the server and the readiness threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            app.stop();
            readiness.close();
            LOG.info("API gateway stopped");
        }
    }

    // ------------------------------------------------------------------ handlers

    /**
     * Runs before routing: refuses method-override headers (a GET must never act as a POST through a proxy that
     * lets the header through) and a declared body over the limit (Javalin enforces it again when reading).
     */
    private void screen(Context ctx) {
        for (String header : METHOD_OVERRIDE_HEADERS) {
            if (ctx.header(header) != null) {
                throw new ProblemException(400, ErrorCode.PARAM_TYPE, "The " + header + " header is not supported;"
                        + " send the request with the HTTP method itself");
            }
        }
        long length = ctx.req().getContentLengthLong();
        if (length > MAX_REQUEST_BYTES) {
            throw new ProblemException(413, RequestErrors.codeFor(413), "The request body has " + length
                    + " bytes; the limit is " + MAX_REQUEST_BYTES + " bytes (1 MiB)");
        }
    }

    /**
     * Runs once a route matched: a route with roles needs a principal (401 without credentials) holding one of
     * them (403 GL-E-RBAC-DENIED), then every guard; the principal is stored for the handler.
     */
    private void authorize(Context ctx) {
        io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        Route route = matched == null ? null : byKey.get(matched.method.name() + " " + matched.path);
        if (route == null || route.roles().isEmpty()) {
            return;
        }
        Principal principal = authenticator.authenticate(ctx).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"greenlang\", ApiKey header=\"X-API-Key\"");
            return new ProblemException(401, ErrorCode.RBAC_DENIED,
                    "Credentials required: send an API key in X-API-Key or an OIDC token in Authorization: Bearer");
        });
        if (!principal.hasAnyRole(route.roles())) {
            throw new GreenLangException(ErrorCode.RBAC_DENIED, principal.subject() + " may not " + route.key()
                    + ": it needs one of the roles " + route.roles().stream().sorted()
                    .map(role -> role.name().toLowerCase(Locale.ROOT)).toList(), null,
                    Map.of("required_roles", route.roles().stream().sorted()
                            .map(role -> role.name().toLowerCase(Locale.ROOT)).toList()));
        }
        for (RequestGuard guard : guards) {
            guard.check(ctx, route, principal);
        }
        ctx.attribute(Principal.ATTRIBUTE, principal);
    }

    private void count(Context ctx) {
        if (meters != null) {
            io.javalin.router.Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
            String template = matched != null && byKey.containsKey(matched.method.name() + " " + matched.path)
                    ? matched.path : "unmatched";
            meters.counter(GlMetrics.API_REQUESTS, ctx.method().name(), template, Integer.toString(ctx.statusCode()))
                    .increment();
        }
    }

    private void ready(Context ctx) {
        Map<String, HealthCheck.Result> results = readiness.run();
        json(ctx, Readiness.allUp(results) ? 200 : 503, Readiness.body(results));
    }

    private void greenLangException(GreenLangException e, Context ctx) {
        int status = e.httpStatus();
        String errorId = null;
        if (status >= 500) {
            errorId = UUID.randomUUID().toString();
            LOG.error("[error {}] {} {} failed with {}", errorId, ctx.method(), ctx.path(), e.errorCode().code(), e);
        } else {
            LOG.debug("{} {} refused: {}", ctx.method(), ctx.path(), e.getMessage());
        }
        answer(ctx, new Problem(status, e.errorCode(), e.detailMessage(), ctx.path(), e.details(), errorId));
    }

    private void frameworkException(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 404 || status == 405) {
            drainBody(ctx);
        }
        ErrorCode code = RequestErrors.codeFor(status);
        String detail;
        String errorId = null;
        if (status == 404) {
            detail = "No route " + ctx.method().name() + " " + ctx.path() + "; the routes are listed in "
                    + OPENAPI_PATH;
        } else if (status == 405) {
            String allowed = e.getDetails().getOrDefault("availableMethods", e.getDetails().get("Available methods"));
            if (allowed != null) {
                ctx.header("Allow", allowed);
            }
            detail = "Method " + ctx.method().name() + " is not allowed on " + ctx.path() + "; allowed: " + allowed;
        } else if (status == 413) {
            detail = "The request body exceeds the limit of " + MAX_REQUEST_BYTES + " bytes (1 MiB)";
        } else if (status >= 500) {
            errorId = UUID.randomUUID().toString();
            LOG.error("[error {}] {} {} failed with HTTP {}", errorId, ctx.method(), ctx.path(), status, e);
            detail = "Internal error; quote error_id " + errorId + " to support";
        } else {
            detail = e.getMessage() == null ? "Bad request" : e.getMessage();
        }
        answer(ctx, new Problem(status < 400 ? 500 : status, code, detail, ctx.path(), Map.of(), errorId));
    }

    /**
     * Reads and discards a request body within the limit before refusing the request unread: otherwise the server
     * answers and closes while the client is still sending, and the client may see a reset instead of the answer.
     */
    private static void drainBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > 0 && length <= MAX_REQUEST_BYTES) {
            try {
                ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                LOG.debug("Could not drain the body of {} {}: {}", ctx.method(), ctx.path(), e.toString());
            }
        }
    }

    private void unexpected(Exception e, Context ctx) {
        String errorId = UUID.randomUUID().toString();
        LOG.error("[error {}] {} {} failed unexpectedly", errorId, ctx.method(), ctx.path(), e);
        answer(ctx, new Problem(500, ErrorCode.INTERNAL, "Internal error; quote error_id " + errorId + " to support",
                ctx.path(), Map.of(), errorId));
    }

    private void answer(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(bytes(problem.toJson()));
    }

    private void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(bytes(body));
    }

    private byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise a response body", e);
        }
    }
}
