package io.greenlang.gateway.submit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.RunProjection;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunRequested;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.RequestErrors;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.PipelineValidationException;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.ValidationProblem;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Run submission and run commands:
 * <ul>
 *   <li>{@code POST /api/v1/runs} validates the pipeline document with its parameters (every problem at once in
 *       the problem's {@code details.problems}), then inserts the run and an outbox row holding its
 *       {@code RunRequested} in ONE transaction; the {@link OutboxPublisher} (Debezium embedded) publishes it to
 *       {@code gl.run.requests} keyed by run id. 202 with the run id and links. The same {@code Idempotency-Key}
 *       from the same tenant answers 200 with the same run ({@code Idempotent-Replayed: true}); the same key with
 *       a different request is 422 {@code GL-E-DATA-SCHEMA} (details {@code idempotency_key}, {@code run_id}).
 *       While {@code maintenance} answers true: 503 {@code GL-E-NETWORK-REFUSED} with {@code Retry-After: 60}.</li>
 *   <li>{@code POST /api/v1/runs/{id}:cancel} (submitter), {@code :approve} and {@code :reject} (approver)
 *       produce a {@code RunCommand} to {@code gl.run.commands} keyed by run id, actor = the caller's subject,
 *       optional {@code {"reason": "..."}}; 202. A tenant-bound caller gets the same 403
 *       {@code GL-E-TENANT-ISOLATION} for a run of another tenant and for an unknown run; an all-tenant caller
 *       gets 404 {@code GL-E-DATA-NOT-FOUND} for an unknown run.</li>
 * </ul>
 * Serve {@link #routes()} with {@link #COMPONENTS}, add {@link #healthCheck()} to readiness, {@link #start()} the
 * engine and {@link #close()} it at shutdown.
 */
public final class RunSubmissions implements AutoCloseable {

    /** The OpenAPI components resource of these routes (beside {@code RouteTable}). */
    public static final String COMPONENTS = "openapi-submit.json";
    /** The header carrying the client's idempotency key. */
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    /** Set to {@code true} on a 200 answering a repeated idempotency key. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Longest idempotency key, tenant, label or parameter name accepted. */
    public static final int MAX_KEY_LENGTH = 256;
    /** Seconds a client should wait during maintenance. */
    public static final int MAINTENANCE_RETRY_AFTER_SECONDS = 60;
    static final long COMMAND_SEND_TIMEOUT_MS = 10_000;
    private static final String RUNS = "/api/v1/runs";
    private static final String EVENT_TYPE = "RunRequested";

    private final SubmitSettings settings;
    private final RunStore store;
    private final AuditStore auditStore;
    private final TopicCatalog catalog;
    private final PipelineCompiler compiler;
    private final BooleanSupplier maintenance;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OutboxPublisher publisher;
    private final Producer producerMeta;

    private RunSubmissions(Builder builder) {
        this.settings = builder.settings;
        this.store = new RunStore(builder.dataSource, settings.schema());
        this.auditStore = builder.auditStore;
        this.catalog = builder.catalog;
        this.compiler = builder.compiler;
        this.maintenance = builder.maintenance;
        String instance = ManagementFactory.getRuntimeMXBean().getName();
        this.producerMeta = Producer.newBuilder().setService(settings.serviceName()).setInstance(instance).build();
        this.producer = new KafkaProducer<>(OutboxPublisher.producerProperties(builder.kafka,
                "gl-gateway-submit-" + settings.slotName()), new ByteArraySerializer(), new ByteArraySerializer());
        this.publisher = new OutboxPublisher(builder.dataSource, settings, catalog, producer,
                builder.registry == null ? null : new GlMeters(builder.registry));
    }

    /**
     * The submission resources of a deployment: settings from {@code config}, the standard topic catalogue.
     *
     * @param config      the platform configuration
     * @param dataSource  connections to the gateway's database (schema migrated to V2 or later)
     * @param kafka       Kafka client properties (at least {@code bootstrap.servers})
     * @param maintenance answers true while the platform is in maintenance mode
     * @return the resources, engine not started
     */
    public static RunSubmissions create(GlConfig config, DataSource dataSource, Map<String, Object> kafka,
            BooleanSupplier maintenance) {
        return builder(SubmitSettings.fromConfig(config), dataSource, kafka).maintenance(maintenance)
                .compiler(new PipelineCompiler(config)).build();
    }

    /** A builder with the required parts. */
    public static Builder builder(SubmitSettings settings, DataSource dataSource, Map<String, Object> kafka) {
        return new Builder(settings, dataSource, kafka);
    }

    /** Collects the parts of {@link RunSubmissions}. */
    public static final class Builder {
        private final SubmitSettings settings;
        private final DataSource dataSource;
        private final Map<String, Object> kafka;
        private TopicCatalog catalog = TopicCatalog.standard();
        private PipelineCompiler compiler = new PipelineCompiler();
        private BooleanSupplier maintenance = () -> false;
        private AuditStore auditStore;
        private MeterRegistry registry;

        private Builder(SubmitSettings settings, DataSource dataSource, Map<String, Object> kafka) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        }

        /** The topics to write (a prefixed catalogue in tests). */
        public Builder catalog(TopicCatalog value) {
            this.catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /** The pipeline compiler that validates submissions. */
        public Builder compiler(PipelineCompiler value) {
            this.compiler = Objects.requireNonNull(value, "compiler");
            return this;
        }

        /** Maintenance mode: while it answers true, new runs are refused. */
        public Builder maintenance(BooleanSupplier value) {
            this.maintenance = Objects.requireNonNull(value, "maintenance");
            return this;
        }

        /** Also finds runs submitted another way (their tenant) in the audit store's projection. */
        public Builder auditStore(AuditStore value) {
            this.auditStore = Objects.requireNonNull(value, "auditStore");
            return this;
        }

        /** Records {@code gl_outbox_publish_lag_seconds} in this registry. */
        public Builder meterRegistry(MeterRegistry value) {
            this.registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /** The resources, engine not started. */
        public RunSubmissions build() {
            return new RunSubmissions(this);
        }
    }

    /** The routes: submit, cancel, approve, reject. */
    public List<Route> routes() {
        return List.of(
                new Route(HandlerType.POST, RUNS, "submitRun",
                        "Submit a pipeline run (validated; published to gl.run.requests through the outbox); "
                                + "a repeated Idempotency-Key answers 200 with the same run",
                        Set.of(Role.SUBMITTER), List.of(), "RunAccepted", false, this::submit)
                        .withBody(202, "RunSubmission"),
                new Route(HandlerType.POST, RUNS + "/{id}:cancel", "cancelRun",
                        "Ask the orchestrator to cancel a run (RunCommand CANCEL on gl.run.commands)",
                        Set.of(Role.SUBMITTER), List.of(), "CommandAccepted", false,
                        ctx -> command(ctx, RunCommandType.CANCEL)).withBody(202, "RunCommandRequest"),
                new Route(HandlerType.POST, RUNS + "/{id}:approve", "approveRun",
                        "Approve a run awaiting approval (RunCommand APPROVE on gl.run.commands)",
                        Set.of(Role.APPROVER), List.of(), "CommandAccepted", false,
                        ctx -> command(ctx, RunCommandType.APPROVE)).withBody(202, "RunCommandRequest"),
                new Route(HandlerType.POST, RUNS + "/{id}:reject", "rejectRun",
                        "Reject a run awaiting approval (RunCommand REJECT on gl.run.commands)",
                        Set.of(Role.APPROVER), List.of(), "CommandAccepted", false,
                        ctx -> command(ctx, RunCommandType.REJECT)).withBody(202, "RunCommandRequest"));
    }

    /** Readiness check {@code debezium}: UP while the engine runs and its slot streams. */
    public HealthCheck healthCheck() {
        return publisher.healthCheck();
    }

    /**
     * A run accepted here, as the read routes show it until the audit store has its events: status as stored
     * ({@code REQUESTED}), no events.
     *
     * @param runId the run id
     * @return the run, or empty when this gateway never accepted it
     */
    public Optional<RunProjection> submitted(String runId) {
        return store.byId(runId).map(run -> new RunProjection(run.runId(), run.tenantId(), run.status(), null,
                run.createdAt(), run.createdAt(), null, 0, 0));
    }

    /** Creates the replication slot and publication if missing and starts the outbox engine. */
    public RunSubmissions start() {
        publisher.start();
        return this;
    }

    /** Stops the engine and the producer. Rows committed afterwards are published by the next start. */
    @Override
    public void close() {
        publisher.close();
        producer.close();
    }

    // ------------------------------------------------------------------ submit

    private void submit(Context ctx) {
        if (maintenance.getAsBoolean()) {
            ctx.header("Retry-After", Integer.toString(MAINTENANCE_RETRY_AFTER_SECONDS));
            throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "The platform is in maintenance mode: new runs "
                    + "are refused until it ends; running runs finish", null, Map.of());
        }
        Principal principal = Principal.of(ctx);
        JsonNode body = ApiJson.objectBody(ctx);
        String tenant = tenant(principal, body);
        JsonNode pipelineNode = body.get("pipeline");
        if (pipelineNode == null || !pipelineNode.isTextual() || pipelineNode.asText().isBlank()) {
            throw RequestErrors.badType("pipeline must be the pipeline document (GreenLang pipeline YAML) as a string");
        }
        String pipeline = pipelineNode.asText();
        Map<String, String> parameters = stringMap(body, "parameters", true);
        Map<String, String> labels = stringMap(body, "labels", false);
        String key = ctx.header(IDEMPOTENCY_HEADER);
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
            throw RequestErrors.outOfRange(IDEMPOTENCY_HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        RunPlan plan;
        try {
            plan = compiler.compile(pipeline, parameters, tenant);
        } catch (PipelineValidationException e) {
            throw invalid(e.problems());
        }
        String runId = UUID.randomUUID().toString();
        String idempotencyKey = key == null ? "run:" + runId : key;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        RunRequested request = RunRequested.newBuilder()
                .setMeta(meta(tenant, now))
                .setRunId(runId)
                .setPipelineName(plan.pipelineName())
                .setPipelineNamespace(plan.namespace())
                .setPipelineYaml(pipeline)
                .setParameters(parameters)
                .setIdempotencyKey(idempotencyKey)
                .setLabels(labels)
                .setRequestedBy(principal.subject())
                .build();
        Topic<String, RunRequested> topic = catalog.runRequests();
        byte[] payload = topic.valueSerde().serializer().serialize(topic.name(), request);
        String hash = requestHash(tenant, pipeline, parameters, labels);
        RunStore.Insertion insertion = store.insert(new RunStore.StoredRun(runId, tenant, idempotencyKey, hash,
                "REQUESTED", now), plan.pipelineName(), plan.namespace(), principal.subject(), EVENT_TYPE, payload);
        RunStore.StoredRun run = insertion.run();
        if (!insertion.created() && !run.requestHash().equals(hash)) {
            throw new GreenLangException(ErrorCode.DATA_SCHEMA, "Idempotency-Key '" + idempotencyKey + "' was used "
                    + "for a different request (run " + run.runId() + "); send a new key for a new request", null,
                    Map.of("idempotency_key", idempotencyKey, "run_id", run.runId()));
        }
        String self = RUNS + "/" + run.runId();
        ctx.header("Location", self);
        if (!insertion.created()) {
            ctx.header(REPLAYED_HEADER, "true");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("run_id", run.runId());
        answer.put("tenant_id", run.tenantId());
        answer.put("status", run.status());
        answer.put("idempotency_key", run.idempotencyKey());
        answer.put("created_at", run.createdAt().toString());
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", self);
        links.put("events", self + "/events");
        links.put("cancel", self + ":cancel");
        answer.put("links", links);
        ApiJson.answer(ctx, insertion.created() ? 202 : 200, answer);
    }

    private static String tenant(Principal principal, JsonNode body) {
        JsonNode named = body.get("tenant");
        if (named != null && !named.isNull() && (!named.isTextual() || named.asText().isBlank())) {
            throw RequestErrors.badType("tenant must be a non-blank string");
        }
        String requested = named == null || named.isNull() ? null : named.asText();
        if (requested != null && requested.length() > MAX_KEY_LENGTH) {
            throw RequestErrors.outOfRange("tenant is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (principal.allTenants()) {
            if (requested == null) {
                throw RequestErrors.badType("A platform operator's credentials see every tenant: name the run's "
                        + "tenant in the body's \"tenant\"");
            }
            if (Principal.ALL_TENANTS.equals(requested)) {
                throw RequestErrors.outOfRange("tenant must name one tenant, not *");
            }
            return requested;
        }
        if (requested != null && !requested.equals(principal.tenant())) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, principal.subject() + " of tenant "
                    + principal.tenant() + " cannot submit a run for tenant " + requested, null,
                    Map.of("tenant", requested));
        }
        return principal.tenant();
    }

    private static Map<String, String> stringMap(JsonNode body, String field, boolean scalarsAsText) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw RequestErrors.badType(field + " must be a JSON object");
        }
        Map<String, String> result = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            JsonNode value = entry.getValue();
            boolean ok = value.isTextual() || (scalarsAsText && (value.isNumber() || value.isBoolean()));
            if (!ok) {
                throw RequestErrors.badType(field + "." + entry.getKey() + " must be a "
                        + (scalarsAsText ? "string, number or boolean" : "string"));
            }
            if (entry.getKey().length() > MAX_KEY_LENGTH) {
                throw RequestErrors.outOfRange(field + " names are at most " + MAX_KEY_LENGTH + " characters");
            }
            result.put(entry.getKey(), value.asText());
        }
        return result;
    }

    private static GreenLangException invalid(List<ValidationProblem> problems) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ValidationProblem problem : problems) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("code", problem.code().code());
            p.put("path", problem.path());
            p.put("message", problem.message());
            p.put("line", problem.line());
            p.put("column", problem.column());
            listed.add(p);
        }
        return new GreenLangException(problems.get(0).code(), problems.size() + " problem(s) in the pipeline; "
                + "details.problems lists each with its code and path", null, Map.of("problems", listed));
    }

    static String requestHash(String tenant, String pipeline, Map<String, String> parameters,
            Map<String, String> labels) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("tenant", tenant);
        canonical.put("pipeline", pipeline);
        canonical.put("parameters", new TreeMap<>(parameters));
        canonical.put("labels", new TreeMap<>(labels));
        try {
            byte[] json = ApiJson.MAPPER.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash the request", e);
        }
    }

    // ------------------------------------------------------------------ commands

    private void command(Context ctx, RunCommandType type) {
        Principal principal = Principal.of(ctx);
        String runId = ctx.pathParam("id");
        if (runId.isBlank() || runId.length() > MAX_KEY_LENGTH) {
            throw RequestErrors.outOfRange("The run id must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String reason = reason(ctx);
        Optional<String> runTenant = tenantOf(runId);
        if (!principal.allTenants()) {
            if (runTenant.isEmpty() || !runTenant.get().equals(principal.tenant())) {
                // the same answer for a foreign and an unknown run: ids of other tenants must not be probed
                throw new GreenLangException(ErrorCode.TENANT_ISOLATION, "Run " + runId + " is not visible to tenant "
                        + principal.tenant(), null, Map.of("run_id", runId));
            }
        } else if (runTenant.isEmpty()) {
            throw new GreenLangException(ErrorCode.DATA_NOT_FOUND, "No run " + runId, null, Map.of("run_id", runId));
        }
        RunCommand command = RunCommand.newBuilder()
                .setMeta(meta(runTenant.get(), Instant.now()))
                .setRunId(runId)
                .setCommand(type)
                .setActor(principal.subject())
                .setReason(reason)
                .build();
        Topic<String, RunCommand> topic = catalog.runCommands();
        try {
            producer.send(new ProducerRecord<>(topic.name(),
                    topic.keySerde().serializer().serialize(topic.name(), runId),
                    topic.valueSerde().serializer().serialize(topic.name(), command)))
                    .get(COMMAND_SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "Interrupted while publishing the command", e);
        } catch (TimeoutException e) {
            throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT, "Kafka did not acknowledge the command within "
                    + COMMAND_SEND_TIMEOUT_MS + " ms; it may still be delivered", e);
        } catch (ExecutionException e) {
            throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "Kafka refused the command: "
                    + e.getCause().getMessage(), e.getCause());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("run_id", runId);
        answer.put("command", type.name());
        answer.put("actor", principal.subject());
        answer.put("reason", reason);
        answer.put("event_id", command.getMeta().getEventId());
        answer.put("links", Map.of("run", RUNS + "/" + runId));
        ApiJson.answer(ctx, 202, answer);
    }

    private static String reason(Context ctx) {
        if (ctx.bodyAsBytes().length == 0) {
            return null;
        }
        JsonNode reason = ApiJson.objectBody(ctx).get("reason");
        if (reason == null || reason.isNull()) {
            return null;
        }
        if (!reason.isTextual()) {
            throw RequestErrors.badType("reason must be a string");
        }
        if (reason.asText().length() > 4096) {
            throw RequestErrors.outOfRange("reason is longer than 4096 characters");
        }
        return reason.asText();
    }

    private Optional<String> tenantOf(String runId) {
        Optional<RunStore.StoredRun> submitted = store.byId(runId);
        if (submitted.isPresent()) {
            return Optional.of(submitted.get().tenantId());
        }
        if (auditStore != null) {
            return auditStore.run(runId).map(RunProjection::tenantId);
        }
        return Optional.empty();
    }

    private EventMeta meta(String tenant, Instant occurredAt) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(occurredAt)
                .setTenantId(tenant)
                .setProducer(producerMeta)
                .setTraceId(null)
                .build();
    }
}
