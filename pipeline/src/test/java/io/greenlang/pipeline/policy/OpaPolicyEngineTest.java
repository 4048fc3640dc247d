package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

class OpaPolicyEngineTest {

    private FakeOpa opa;

    @BeforeEach
    void startOpa() throws IOException {
        opa = new FakeOpa();
    }

    @AfterEach
    void stopOpa() {
        opa.close();
    }

    private static OpaPolicyEngine engine(URI url, Duration timeout, int retries, boolean strict) {
        return new OpaPolicyEngine(new OpaPolicyEngine.Settings(url, timeout, retries, Duration.ZERO),
                PolicyAction.DENY, strict);
    }

    private OpaPolicyEngine engine(boolean strict) {
        return engine(opa.baseUrl(), Duration.ofSeconds(2), 0, strict);
    }

    /** A port nothing listens on: bound, then released. */
    private static URI unreachableUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void shouldAllowWhenOpaAnswersABareTrueResult() {
        opa.answering("{\"result\": true}");

        PolicyResult result = engine(true).evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.source()).isEqualTo("opa");
        assertThat(result.rulesFired()).containsExactly("opa:/v1/data/greenlang/policies/pre_run");
    }

    @Test
    void shouldPostTheContextAsInputToTheRunbooksDecisionPathForTheStage() throws Exception {
        OpaPolicyEngine engine = engine(true);

        engine.evaluate(Contexts.run("production", Map.of("team", "mrv"), Map.of("region", "eu", "count", 3)));
        engine.evaluate(Contexts.step("production", "slow_step", "GL-MRV-X-001", "2", "8Gi"));

        assertThat(opa.requests()).extracting(FakeOpa.Request::path).containsExactly(
                "/v1/data/greenlang/policies/pre_run", "/v1/data/greenlang/policies/pre_step");
        JsonNode run = new ObjectMapper().readTree(opa.requests().get(0).body()).get("input");
        assertThat(run.get("namespace").asText()).isEqualTo("production");
        assertThat(run.get("tenant").asText()).isEqualTo("acme");
        assertThat(run.get("pipeline").asText()).isEqualTo("heat-report");
        assertThat(run.get("stage").asText()).isEqualTo("pre_run");
        assertThat(run.get("labels").get("team").asText()).isEqualTo("mrv");
        assertThat(run.get("params").get("count").asLong()).isEqualTo(3);
        JsonNode step = new ObjectMapper().readTree(opa.requests().get(1).body()).get("input");
        assertThat(step.get("agent").asText()).isEqualTo("GL-MRV-X-001");
        assertThat(step.get("resources").get("memory_bytes").asLong()).isEqualTo(8589934592L);
        assertThat(step.get("resources").get("cpu").asText()).isEqualTo("2");
    }

    @Test
    void shouldUseAFullDecisionUrlAsGivenForEveryStage() {
        OpaPolicyEngine engine = engine(opa.baseUrl().resolve("/v1/data/greenlang/allow"), Duration.ofSeconds(2), 0,
                true);

        engine.evaluate(Contexts.run("dev"));
        engine.evaluate(Contexts.step("dev", "s", "a", "1", "1Gi"));

        assertThat(opa.requests()).extracting(FakeOpa.Request::path)
                .containsOnly("/v1/data/greenlang/allow").hasSize(2);
    }

    @Test
    void shouldDenyWithTheReasonsWhenOpaSaysAllowFalse() {
        opa.answering("{\"result\": {\"allow\": false, \"reasons\": [\"tenant acme is over quota\", "
                + "\"image not signed\"]}}");

        PolicyResult result = engine(true).evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.OPA_DENY);
        assertThat(result.message()).isEqualTo("tenant acme is over quota; image not signed");
        assertThat(result.source()).isEqualTo("opa");
    }

    @Test
    void shouldAllowWithAnObjectResult() {
        opa.answering("{\"result\": {\"allow\": true, \"reasons\": [\"standard pipeline\"]}}");

        PolicyResult result = engine(true).evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.message()).contains("standard pipeline");
    }

    @Test
    void shouldDenyAsUnreachableInStrictModeWhenNothingListens() throws IOException {
        PolicyResult result = engine(unreachableUrl(), Duration.ofSeconds(2), 1, true)
                .evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.OPA_DENY);
        assertThat(result.message()).contains("OPA unreachable", "after 2 attempts", "GL_POLICY_STRICT_MODE=true");
        assertThat(result.rulesFired()).isEmpty();
    }

    @Test
    void shouldIgnoreAnUnreachableOpaWhenNotStrictAndLetTheDefaultActionDecide() throws IOException {
        OpaPolicyEngine engine = new OpaPolicyEngine(
                new OpaPolicyEngine.Settings(unreachableUrl(), Duration.ofSeconds(2), 0, Duration.ZERO),
                PolicyAction.ALLOW, false);

        PolicyResult result = engine.evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("OPA's vote ignored", "OPA unreachable");
    }

    @Test
    void shouldGiveUpOnASlowOpaAfterTheTimeoutOfEachAttempt() {
        opa.hanging();
        OpaPolicyEngine engine = engine(opa.baseUrl(), Duration.ofMillis(300), 1, true);

        long start = System.nanoTime();
        PolicyResult result = engine.evaluate(Contexts.run("dev"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.OPA_DENY);
        assertThat(result.message()).contains("OPA unreachable", "no answer within 300 ms", "after 2 attempts");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(Duration.ofSeconds(5));
        assertThat(opa.requests()).hasSize(2);
    }

    @Test
    void shouldRetryAServerErrorAndUseTheNextAnswer() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        opa.answering(r -> calls.incrementAndGet() == 1 ? new FakeOpa.Answer(503, "{\"code\": \"unavailable\"}")
                : FakeOpa.Answer.ok("{\"result\": true}"));

        PolicyResult result = engine(opa.baseUrl(), Duration.ofSeconds(2), 2, true).evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(opa.requests()).hasSize(2);
    }

    @Test
    void shouldTreatAnUndefinedDecisionAsAFailureNotADenyAndNotRetryIt() {
        opa.answering("{}");

        PolicyResult strict = engine(opa.baseUrl(), Duration.ofSeconds(2), 2, true).evaluate(Contexts.run("dev"));

        assertThat(strict.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(strict.message()).contains("OPA failed", "no decision", "after 1 attempt:");
        assertThat(opa.requests()).hasSize(1);
    }

    @Test
    void shouldRejectAResultOfAnotherShape() {
        opa.answering("{\"result\": {\"permit\": true}}");

        PolicyResult result = engine(false).evaluate(Contexts.run("dev"));

        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("unexpected result");
    }

    @Test
    void shouldReuseADecisionWithinTheCacheTtlButNeverCacheAFailure() {
        OpaPolicyEngine cached = new OpaPolicyEngine(
                new OpaPolicyEngine.Settings(opa.baseUrl(), Duration.ofSeconds(2), 0, Duration.ofMinutes(5)),
                PolicyAction.DENY, true);

        cached.evaluate(Contexts.run("dev"));
        cached.evaluate(Contexts.run("dev"));
        cached.evaluate(Contexts.run("production"));
        assertThat(opa.requests()).hasSize(2);

        opa.answering(r -> new FakeOpa.Answer(500, "boom"));
        cached.evaluate(Contexts.run("staging"));
        cached.evaluate(Contexts.run("staging"));
        assertThat(opa.requests()).hasSize(4);
    }

    @Test
    void shouldRejectAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> new OpaPolicyEngine.Settings(URI.create("opa:8181"), Duration.ofSeconds(1), 0,
                Duration.ZERO)).hasMessageContaining("GL_OPA_URL");
    }
}
