package io.greenlang.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.common.error.ErrorCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GlMetricsTest {

    private PrometheusMeterRegistry registry;
    private GlMeters meters;

    @BeforeEach
    void setUp() {
        registry = GlMetrics.newRegistry("test-service");
        meters = new GlMeters(registry);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void shouldExposeEveryCatalogMetricUnderItsRunbookName() {
        meters.counter(GlMetrics.RUN_COMPLETED, "success", "tenant-a").increment();
        meters.counter(GlMetrics.STEP_COMPLETED, "failed", "GL-002").increment();
        meters.timer(GlMetrics.STEP_DURATION, "GL-002").record(Duration.ofSeconds(42));
        meters.gauge(GlMetrics.QUEUE_DEPTH).set(7);
        meters.gauge(GlMetrics.ACTIVE_RUNS).set(3);
        meters.gauge(GlMetrics.ACTIVE_STEPS).set(2);
        meters.timer(GlMetrics.POLICY_EVALUATION, "yaml").record(Duration.ofMillis(3));
        meters.counter(GlMetrics.POLICY_VIOLATIONS, "yaml", "tenant-a").increment();
        meters.gauge(GlMetrics.AUDIT_CHAIN_VALID).set(1);
        meters.gauge(GlMetrics.AUDIT_CHAINS).set(1000);
        meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN, "gl.run.events").increment();
        meters.timer(GlMetrics.AUDIT_BATCH).record(Duration.ofMillis(12));
        meters.counter(GlMetrics.K8S_JOB_FAILURES, "GL-E-K8S-JOB-OOM").increment();
        meters.counter(GlMetrics.S3_REQUESTS, "put").increment();
        meters.counter(GlMetrics.S3_ERRORS, "put", "GL-E-S3-TIMEOUT").increment();
        meters.recordError(ErrorCode.K8S_JOB_OOM);
        meters.gauge(GlMetrics.CONSUMER_LAG_RECORDS, "gl-audit-sink", "gl.run.events", "0").set(12);
        meters.gauge(GlMetrics.CONSUMER_LAG_SECONDS, "gl-audit-sink", "gl.run.events", "0").set(2);
        meters.gauge(GlMetrics.CONSUMER_GROUP_STATUS, "gl-audit-sink").set(1);
        meters.timer(GlMetrics.OUTBOX_PUBLISH_LAG).record(Duration.ofMillis(15));
        meters.counter(GlMetrics.API_REQUESTS, "GET", "/api/v1/runs", "200").increment();
        meters.counter(GlMetrics.SCADA_READINGS, "plant-1").increment(12);
        meters.distribution(GlMetrics.SCADA_BATCH_SIZE, "plant-1").record(12);
        meters.counter(GlMetrics.SCADA_RECONNECTS, "plant-1").increment();
        meters.gauge(GlMetrics.SCADA_SPOOLED_BATCHES, "plant-1").set(4);
        meters.gauge(GlMetrics.SCADA_SPOOLED_BYTES, "plant-1").set(4096);
        meters.counter(GlMetrics.SCADA_SPOOL_LOSSES, "plant-1", "full").increment();

        String scrape = registry.scrape();

        for (MetricDefinition def : GlMetrics.ALL) {
            String series = def.type() == MetricType.TIMER || def.type() == MetricType.DISTRIBUTION
                    ? def.name() + "_(bucket|count|sum)" : def.name();
            assertThat(scrape).as(def.name()).containsPattern("(?m)^" + series + "[{ ]");
        }
        assertThat(scrape)
                .contains("gl_run_completed_total{service=\"test-service\",status=\"success\",tenant_id=\"tenant-a\"} 1.0")
                .contains("gl_step_duration_seconds_bucket{agent_id=\"GL-002\",service=\"test-service\",le=\"60.0\"} 1")
                .contains("gl_step_duration_seconds_count{agent_id=\"GL-002\",service=\"test-service\"} 1")
                .contains("gl_policy_evaluation_seconds_bucket{engine=\"yaml\",service=\"test-service\",le=\"0.005\"} 1")
                .contains("gl_queue_depth{service=\"test-service\"} 7.0")
                .contains("gl_active_steps{service=\"test-service\"} 2.0")
                .contains("gl_audit_chain_valid{service=\"test-service\"} 1.0")
                .contains("gl_consumer_lag_seconds{group=\"gl-audit-sink\",partition=\"0\",service=\"test-service\","
                        + "topic=\"gl.run.events\"} 2.0")
                .contains("gl_errors_total{error_class=\"RESOURCE\",error_code=\"GL-E-K8S-JOB-OOM\",service=\"test-service\"} 1.0")
                .contains("gl_scada_batch_samples_count{plant_id=\"plant-1\",service=\"test-service\"} 1")
                .contains("gl_scada_batch_samples_bucket{plant_id=\"plant-1\",service=\"test-service\",le=\"16.0\"} 1")
                .doesNotContain("gl_run_completed_total_total")
                .doesNotContain("gl_step_duration_seconds_seconds");
    }

    @Test
    void shouldReturnTheSameGaugeStateForTheSameLabels() {
        AtomicLong first = meters.gauge(GlMetrics.ACTIVE_RUNS);
        AtomicLong second = meters.gauge(GlMetrics.ACTIVE_RUNS);
        second.set(5);

        assertThat(first).isSameAs(second);
        assertThat(registry.scrape()).contains("gl_active_runs{service=\"test-service\"} 5.0");
    }

    @Test
    void shouldRejectWrongLabelCountOrType() {
        assertThatThrownBy(() -> meters.counter(GlMetrics.RUN_COMPLETED, "success"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[status, tenant_id]");
        assertThatThrownBy(() -> meters.timer(GlMetrics.RUN_COMPLETED, "a", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COUNTER");
        assertThatThrownBy(() -> meters.counter(GlMetrics.RUN_COMPLETED, "success", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant_id");
    }

    @Test
    void shouldRejectDefinitionsWhoseNameDoesNotMatchTheType() {
        assertThatThrownBy(() -> new MetricDefinition("gl_runs", MetricType.COUNTER, "runs", List.of(), "d", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MetricDefinition("gl_x_total", MetricType.GAUGE, "1", List.of(), "d", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MetricDefinition("gl_x_total", MetricType.COUNTER, "1", List.of("service"), "d",
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(GlMetrics.RUN_COMPLETED.micrometerName()).isEqualTo("gl.run.completed");
        assertThat(GlMetrics.STEP_DURATION.micrometerName()).isEqualTo("gl.step.duration");
    }

    @Test
    void shouldDocumentEveryCatalogMetricInMarkdown() {
        String markdown = GlMetrics.toMarkdown();

        assertThat(markdown.lines().filter(l -> l.startsWith("| `gl_"))).hasSize(GlMetrics.ALL.size());
        assertThat(markdown)
                .contains("| `gl_run_completed_total` | counter | runs | `status`, `tenant_id` |")
                .contains("| `gl_step_duration_seconds` | histogram | seconds | `agent_id` |")
                .contains("Buckets (s): 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600.");
    }

    @Test
    void shouldTagEveryMeterWithTheServiceName() {
        meters.counter(GlMetrics.S3_REQUESTS, "get").increment();

        assertThat(registry.scrape()).contains("gl_s3_requests_total{operation=\"get\",service=\"test-service\"} 1.0");
        assertThat(registry.scrape()).containsPattern("jvm_memory_used_bytes\\{.*service=\"test-service\"");
    }
}
