package io.greenlang.common.metrics;

import static io.greenlang.common.metrics.MetricType.COUNTER;
import static io.greenlang.common.metrics.MetricType.DISTRIBUTION;
import static io.greenlang.common.metrics.MetricType.GAUGE;
import static io.greenlang.common.metrics.MetricType.TIMER;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import io.greenlang.common.config.GlConfig;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The metric catalogue: every {@code gl_*} metric of the platform, declared once with its exposed name, type,
 * unit, labels and description; plus the factory of the Prometheus registry every service exposes on
 * {@code /metrics}. {@code docs/metrics.md} is {@link #toMarkdown()}.
 *
 * <p>Names are the runbook's (§3.2 queries and §3.3 alerts). Where runbook §3.1 names a metric differently, the
 * query name wins: {@code gl_step_latency_seconds} is {@link #STEP_DURATION}; {@code gl_policy_evaluation_ms}
 * is {@link #POLICY_EVALUATION} in seconds (Prometheus base unit); {@code gl_k8s_job_failures} is
 * {@link #K8S_JOB_FAILURES}; {@code gl_run_success_rate} and {@code gl_s3_error_rate} are ratios computed in
 * PromQL from {@link #RUN_COMPLETED} and {@link #S3_ERRORS}/{@link #S3_REQUESTS}, not exported.
 * {@link #AUDIT_CHAIN_VALID} has no {@code run_id} label (the runbook's alert text mentions one): an unbounded
 * label would grow the series without limit; the broken chain is named in the logs and the audit package.
 *
 * <p>New metrics (consumer lag, plant and agent gauges) are added here as further constants and to
 * {@link #ALL}. A metric must never be registered from a string literal outside this catalogue.
 */
public final class GlMetrics {

    private static final List<Duration> STEP_BUCKETS = seconds(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);
    private static final List<Duration> POLICY_BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5));

    /** Runs that reached a final state. */
    public static final MetricDefinition RUN_COMPLETED = new MetricDefinition("gl_run_completed_total", COUNTER,
            "runs", List.of("status", "tenant_id"),
            "Runs that reached a final state; status is success, failed or cancelled.", List.of());
    /** Steps that reached a final state. */
    public static final MetricDefinition STEP_COMPLETED = new MetricDefinition("gl_step_completed_total", COUNTER,
            "steps", List.of("status", "agent_id"),
            "Step attempts that reached a final state; status is success, failed or cancelled.", List.of());
    /** Step execution time. */
    public static final MetricDefinition STEP_DURATION = new MetricDefinition("gl_step_duration_seconds", TIMER,
            "seconds", List.of("agent_id"),
            "Execution time of a step attempt, from start to final state (histogram; alert StepLatencyHigh at "
                    + "p99 > 600 s).", STEP_BUCKETS);
    /** Steps waiting to start. */
    public static final MetricDefinition QUEUE_DEPTH = new MetricDefinition("gl_queue_depth", GAUGE, "steps",
            List.of(), "Steps ready to run but not yet started (alert QueueBacklogHigh above 500).", List.of());
    /** Step attempts running on executor workers. */
    public static final MetricDefinition ACTIVE_STEPS = new MetricDefinition("gl_active_steps", GAUGE, "steps",
            List.of(), "Step attempts an executor worker is running now (at most GL_MAX_PARALLEL_STEPS per "
                    + "worker). Not in the runbook.", List.of());
    /** Runs in progress. */
    public static final MetricDefinition ACTIVE_RUNS = new MetricDefinition("gl_active_runs", GAUGE, "runs",
            List.of(), "Runs currently executing.", List.of());
    /** Policy evaluation time. */
    public static final MetricDefinition POLICY_EVALUATION = new MetricDefinition("gl_policy_evaluation_seconds",
            TIMER, "seconds", List.of("engine"),
            "Time to evaluate the policies of one decision; engine is yaml or opa (healthy: p99 < 100 ms).",
            POLICY_BUCKETS);
    /** Policy denials. */
    public static final MetricDefinition POLICY_VIOLATIONS = new MetricDefinition("gl_policy_violations_total",
            COUNTER, "decisions", List.of("engine", "tenant_id"),
            "Policy decisions that denied a run or step.", List.of());
    /** Audit chain integrity. */
    public static final MetricDefinition AUDIT_CHAIN_VALID = new MetricDefinition("gl_audit_chain_valid", GAUGE,
            "1", List.of(),
            "1 while every verified audit chain is intact, 0 once a verification found a break (alert "
                    + "AuditChainBroken, GL-E-AUDIT-CHAIN-BROKEN).", List.of());
    /** Audit chains in the store. */
    public static final MetricDefinition AUDIT_CHAINS = new MetricDefinition("gl_audit_chains", GAUGE,
            "chains", List.of(),
            "Audit chains (chain heads) found by the last periodic verification. Not in the runbook.", List.of());
    /** Events appended to audit chains. */
    public static final MetricDefinition AUDIT_EVENTS_WRITTEN = new MetricDefinition("gl_audit_events_written_total",
            COUNTER, "events", List.of("topic"),
            "Events the audit sink appended to hash chains, by source topic (redelivered records not counted). Not "
                    + "in the runbook.", List.of());
    /** Audit batch write time. */
    public static final MetricDefinition AUDIT_BATCH = new MetricDefinition("gl_audit_batch_seconds", TIMER,
            "seconds", List.of(),
            "Time to append one batch of polled records to the audit store in one transaction. Not in the runbook.",
            POLICY_BUCKETS);
    /** Kubernetes Job failures. */
    public static final MetricDefinition K8S_JOB_FAILURES = new MetricDefinition("gl_k8s_job_failures_total",
            COUNTER, "jobs", List.of("error_code"),
            "Step Jobs that failed, by GL-E-K8S-* or GL-E-AGENT-* code (healthy: < 5/min).", List.of());
    /** S3 requests. */
    public static final MetricDefinition S3_REQUESTS = new MetricDefinition("gl_s3_requests_total", COUNTER,
            "requests", List.of("operation"),
            "Requests to the artifact store; operation is get, put, head, list or delete.", List.of());
    /** S3 failures. */
    public static final MetricDefinition S3_ERRORS = new MetricDefinition("gl_s3_errors_total", COUNTER,
            "requests", List.of("operation", "error_code"),
            "Failed requests to the artifact store (alert S3ErrorRateHigh above 5 % of gl_s3_requests_total).",
            List.of());
    /** Every failure with an error code. */
    public static final MetricDefinition ERRORS = new MetricDefinition("gl_errors_total", COUNTER, "errors",
            List.of("error_class", "error_code"),
            "Failures by ErrorClass and GL-E-* code (every GreenLangException a service reports).", List.of());

    /** Consumer lag in records. */
    public static final MetricDefinition CONSUMER_LAG_RECORDS = new MetricDefinition("gl_consumer_lag_records", GAUGE,
            "records", List.of("group", "topic", "partition"),
            "Offset lag of a consumer group on one partition: log-end offset minus committed offset, from the "
                    + "gateway's lag monitor (GL_LAG_SAMPLE_SECONDS). Not in the runbook.", List.of());
    /** Consumer lag in seconds. */
    public static final MetricDefinition CONSUMER_LAG_SECONDS = new MetricDefinition("gl_consumer_lag_seconds", GAUGE,
            "seconds", List.of("group", "topic", "partition"),
            "Time lag of a consumer group on one partition: age of the record at the committed offset (from its "
                    + "timestamp), 0 when caught up. Message-bus alerts: warning above 0.5 s, critical above 2 s.",
            List.of());
    /** Burrow status of a consumer group. */
    public static final MetricDefinition CONSUMER_GROUP_STATUS = new MetricDefinition("gl_consumer_group_status",
            GAUGE, "severity", List.of("group"),
            "Burrow status of a consumer group as its severity: 0 OK, 1 WARN, 2 ERR (a partition is STOP, STALL or "
                    + "REWIND). Not in the runbook.", List.of());
    /** Outbox publish lag. */
    public static final MetricDefinition OUTBOX_PUBLISH_LAG = new MetricDefinition("gl_outbox_publish_lag_seconds",
            TIMER, "seconds", List.of(),
            "Time from the commit of a run request's outbox row in PostgreSQL to its RunRequested being "
                    + "acknowledged on gl.run.requests. Not in the runbook.", POLICY_BUCKETS);
    /** API requests. */
    public static final MetricDefinition API_REQUESTS = new MetricDefinition("gl_api_requests_total", COUNTER,
            "requests", List.of("method", "route", "status"),
            "HTTP requests the API gateway answered, by method, route template (not the raw path) and status "
                    + "code. Not in the runbook.", List.of());

    /** Readings the SCADA bridge received. */
    public static final MetricDefinition SCADA_READINGS = new MetricDefinition("gl_scada_readings_total", COUNTER,
            "readings", List.of("plant_id"),
            "Tag samples the SCADA bridge received from the plant's OPC UA server, whether sent at once, spooled or "
                    + "lost; rate() of it is the plant's readings per second. Not in the runbook.", List.of());
    /** Samples per telemetry batch. */
    public static final MetricDefinition SCADA_BATCH_SIZE = new MetricDefinition("gl_scada_batch_samples",
            DISTRIBUTION, "samples", List.of("plant_id"),
            "Samples per OPC UA publishing cycle, i.e. per TelemetryBatch (gap markers and loss reports not "
                    + "counted); Micrometer's percentile buckets from 1 to 65,536. Not in the runbook.", List.of());
    /** OPC UA reconnects of the SCADA bridge. */
    public static final MetricDefinition SCADA_RECONNECTS = new MetricDefinition("gl_scada_reconnects_total",
            COUNTER, "reconnects", List.of("plant_id"),
            "Times the SCADA bridge's OPC UA session was lost and re-established (each also gives a gap marker "
                    + "and RECONNECTING, then CONNECTED, on gl.scada.status). Not in the runbook.", List.of());
    /** Telemetry batches waiting in the SCADA bridge's spool. */
    public static final MetricDefinition SCADA_SPOOLED_BATCHES = new MetricDefinition("gl_scada_spooled_batches",
            GAUGE, "batches", List.of("plant_id"),
            "Telemetry batches waiting in the SCADA bridge's disk spool (GL_SCADA_SPOOL_DIR) for Kafka; 0 while "
                    + "Kafka takes telemetry as it comes. Not in the runbook.", List.of());
    /** Bytes waiting in the SCADA bridge's spool. */
    public static final MetricDefinition SCADA_SPOOLED_BYTES = new MetricDefinition("gl_scada_spooled_bytes",
            GAUGE, "bytes", List.of("plant_id"),
            "Bytes of the batches waiting in the SCADA bridge's disk spool; new batches are lost once the spool's "
                    + "files reach GL_SCADA_SPOOL_MAX_BYTES. Not in the runbook.", List.of());
    /** Telemetry batches the SCADA bridge could not keep. */
    public static final MetricDefinition SCADA_SPOOL_LOSSES = new MetricDefinition("gl_scada_spool_losses_total",
            COUNTER, "batches", List.of("plant_id", "reason"),
            "Telemetry batches the SCADA bridge could not deliver; reason is full (the spool was at "
                    + "GL_SCADA_SPOOL_MAX_BYTES), corrupt (cut off a spool found damaged at start-up, e.g. a record "
                    + "half-written by a crash), io (the spool could not be written) or rejected (Kafka refused the "
                    + "record for good, e.g. too large). Every loss is also reported on gl.scada.telemetry "
                    + "(lost_batches, lost_samples) and logged. Not in the runbook.", List.of());

    /** Every catalogued metric, in documentation order. */
    public static final List<MetricDefinition> ALL = List.of(RUN_COMPLETED, STEP_COMPLETED, STEP_DURATION,
            QUEUE_DEPTH, ACTIVE_RUNS, ACTIVE_STEPS, POLICY_EVALUATION, POLICY_VIOLATIONS, AUDIT_CHAIN_VALID,
            AUDIT_CHAINS, AUDIT_EVENTS_WRITTEN, AUDIT_BATCH, K8S_JOB_FAILURES, S3_REQUESTS, S3_ERRORS, ERRORS,
            CONSUMER_LAG_RECORDS, CONSUMER_LAG_SECONDS, CONSUMER_GROUP_STATUS, OUTBOX_PUBLISH_LAG, API_REQUESTS,
            SCADA_READINGS, SCADA_BATCH_SIZE, SCADA_RECONNECTS, SCADA_SPOOLED_BATCHES, SCADA_SPOOLED_BYTES,
            SCADA_SPOOL_LOSSES);

    /** The tag every meter of a service carries. */
    public static final String SERVICE_TAG = "service";

    private GlMetrics() {
    }

    /**
     * A Prometheus registry for one service: common tag {@code service=<name>}, plus JVM memory, thread,
     * class-loader, CPU and uptime meters.
     *
     * @param serviceName e.g. {@code streams-app}
     * @return the registry; the caller owns it and closes it on shutdown
     */
    public static PrometheusMeterRegistry newRegistry(String serviceName) {
        Objects.requireNonNull(serviceName, "serviceName");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(SERVICE_TAG, serviceName);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * {@link #newRegistry(String)} for {@link GlConfig#serviceName()}.
     *
     * @param config the service's configuration
     * @return the registry
     */
    public static PrometheusMeterRegistry newRegistry(GlConfig config) {
        return newRegistry(config.serviceName());
    }

    /**
     * The catalogue as Markdown: {@code docs/metrics.md}.
     *
     * @return the Markdown document
     */
    public static String toMarkdown() {
        return toMarkdown(ALL);
    }

    /**
     * A Markdown table of the given definitions, for catalogues that extend this one.
     *
     * @param definitions the metrics
     * @return the Markdown document
     */
    public static String toMarkdown(Collection<MetricDefinition> definitions) {
        StringBuilder md = new StringBuilder();
        md.append("# Metrics\n\n")
                .append("<!-- Generated from io.greenlang.common.metrics.GlMetrics; do not edit. -->\n\n")
                .append("Every service exposes these on `/metrics` (Prometheus text format, port `GL_METRICS_PORT`), ")
                .append("each with the label `service`. Histograms also expose `_bucket`, `_count` and `_sum` series.\n\n")
                .append("| Name | Type | Unit | Labels | Description |\n")
                .append("|---|---|---|---|---|\n");
        for (MetricDefinition def : definitions) {
            md.append("| `").append(def.name()).append("` | ")
                    .append(def.type() == TIMER || def.type() == DISTRIBUTION ? "histogram"
                            : def.type().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(def.unit()).append(" | ")
                    .append(def.tagKeys().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(cell(def.description()));
            if (!def.buckets().isEmpty()) {
                md.append(" Buckets (s): ").append(def.buckets().stream()
                        .map(GlMetrics::trimSeconds).collect(Collectors.joining(", "))).append('.');
            }
            md.append(" |\n");
        }
        return md.toString();
    }

    /** A Markdown table cell: no pipes, and no text a renderer would take as HTML or emphasis. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*");
    }

    private static String trimSeconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private static List<Duration> seconds(long... values) {
        return Arrays.stream(values).mapToObj(Duration::ofSeconds).toList();
    }
}
