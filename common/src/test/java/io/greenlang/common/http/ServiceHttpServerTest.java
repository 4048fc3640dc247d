package io.greenlang.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void setUp() {
        registry = GlMetrics.newRegistry("http-test");
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private ServiceHttpServer.Builder server() {
        return ServiceHttpServer.builder(registry).port(0).bindAddress(InetAddress.getLoopbackAddress());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerLiveWhileRunning() throws Exception {
        try (ServiceHttpServer http = server().start()) {
            HttpResponse<String> response = get(http.healthPort(), "/health/live");

            assertThat(http.healthPort()).isPositive();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void shouldBeReadyWithEveryCheckUp() throws Exception {
        try (ServiceHttpServer http = server()
                .healthCheck(HealthCheck.of("kafka", () -> HealthCheck.Result.up("3 brokers")))
                .healthCheck(HealthCheck.of("s3", HealthCheck.Result::up))
                .start()) {
            HttpResponse<String> response = get(http.healthPort(), "/health/ready");
            JsonNode body = JSON.readTree(response.body());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.get("kafka").get("status").asText()).isEqualTo("UP");
            assertThat(body.get("kafka").get("detail").asText()).isEqualTo("3 brokers");
            assertThat(body.get("s3").get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void shouldAnswer503WhenACheckIsDownOrThrows() throws Exception {
        try (ServiceHttpServer http = server()
                .healthCheck(HealthCheck.of("kafka", HealthCheck.Result::up))
                .healthCheck(HealthCheck.of("postgres", () -> HealthCheck.Result.down("pool exhausted")))
                .healthCheck(HealthCheck.of("s3", () -> {
                    throw new IOException("connection refused by s3.local");
                }))
                .start()) {
            HttpResponse<String> response = get(http.healthPort(), "/health/ready");
            JsonNode body = JSON.readTree(response.body());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("kafka").get("status").asText()).isEqualTo("UP");
            assertThat(body.get("postgres").get("detail").asText()).isEqualTo("pool exhausted");
            assertThat(body.get("s3").get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("s3").get("detail").asText()).isEqualTo("connection refused by s3.local");
        }
    }

    @Test
    void shouldCountACheckThatExceedsTheTimeoutAsDown() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (ServiceHttpServer http = server()
                .checkTimeout(Duration.ofMillis(200))
                .healthCheck(HealthCheck.of("slow", () -> {
                    never.await();
                    return HealthCheck.Result.up();
                }))
                .start()) {
            HttpResponse<String> response = get(http.healthPort(), "/health/ready");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(response.body()).get("slow").get("detail").asText()).contains("timed out");
        }
    }

    @Test
    void shouldServePrometheusMetrics() throws Exception {
        new GlMeters(registry).counter(GlMetrics.RUN_COMPLETED, "success", "t1").increment();
        try (ServiceHttpServer http = server().start()) {
            HttpResponse<String> response = get(http.metricsPort(), "/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains(ServiceHttpServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(response.body()).contains("gl_run_completed_total{service=\"http-test\",status=\"success\",tenant_id=\"t1\"} 1.0");
        }
    }

    @Test
    void shouldServeHealthAndMetricsOnSeparatePortsAsTheRunbookDoes() throws Exception {
        try (ServiceHttpServer http = ServiceHttpServer.builder(registry)
                .bindAddress(InetAddress.getLoopbackAddress())
                .healthPort(0).metricsPort(freePort()).start()) {
            assertThat(http.metricsPort()).isNotEqualTo(http.healthPort());
            assertThat(get(http.metricsPort(), "/metrics").statusCode()).isEqualTo(200);
            assertThat(get(http.metricsPort(), "/health/live").statusCode()).isEqualTo(404);
            assertThat(get(http.healthPort(), "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(http.healthPort(), "/metrics").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldAnswer404ForUnknownPathsAnd405ForOtherMethods() throws Exception {
        try (ServiceHttpServer http = server().start()) {
            assertThat(get(http.healthPort(), "/nope").statusCode()).isEqualTo(404);
            assertThat(get(http.healthPort(), "/health/live/extra").statusCode()).isEqualTo(404);
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.healthPort() + "/health/live"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build();
            HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception {
        int port;
        try (ServiceHttpServer http = server().start()) {
            port = http.healthPort();
        }
        try (ServiceHttpServer again = server().port(port).start()) {
            assertThat(again.healthPort()).isEqualTo(port);
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldRejectInvalidCheckNamesAndMissingPorts() {
        assertThatThrownBy(() -> server().healthCheck(HealthCheck.of("status", HealthCheck.Result::up)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server().healthCheck(HealthCheck.of("a", HealthCheck.Result::up))
                .healthCheck(HealthCheck.of("a", HealthCheck.Result::up)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> ServiceHttpServer.builder(registry).start()).isInstanceOf(IllegalStateException.class);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
