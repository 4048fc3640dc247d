package io.greenlang.pipeline.policy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.Backoff;
import io.greenlang.common.error.ErrorCode;

/**
 * Asks an Open Policy Agent server over HTTP (GL_OPA_ENABLED, GL_OPA_URL, GL_OPA_TIMEOUT_SECONDS,
 * GL_OPA_RETRY_COUNT). Contract (docs/policy.md):
 * <ul>
 *   <li>Request: {@code POST <decision URL>} with {@code {"input": {...}}}, the input holding the same variables
 *       as a CEL condition ({@code stage}, {@code namespace}, {@code tenant}, {@code pipeline}, {@code labels},
 *       {@code params}, {@code step}, {@code agent}, {@code resources}).</li>
 *   <li>Decision URL: GL_OPA_URL when it has a path (e.g. {@code http://opa:8181/v1/data/greenlang/allow}, the
 *       same document for both stages); when it is a bare base URL ({@code http://opa:8181}), the runbook's
 *       {@code /v1/data/greenlang/policies/pre_run} or {@code .../pre_step} for the context's stage.</li>
 *   <li>Response: {@code {"result": true|false}} or {@code {"result": {"allow": bool, "reasons": [string]}}};
 *       a deny is GL-E-OPA-DENY with the reasons as message. A response without {@code result} (OPA's answer for
 *       an undefined document) or of another shape is a failure, not a deny.</li>
 *   <li>Failures (unreachable, timeout, HTTP error, unusable answer): an attempt times out after the timeout;
 *       connection errors, timeouts and 5xx answers are retried up to the retry count with a short exponential
 *       backoff, other answers are not. When every attempt failed: strict mode denies (GL-E-OPA-DENY, "OPA
 *       unreachable ..."), otherwise OPA's vote is ignored and named in the message.</li>
 *   <li>Successful decisions are cached per decision URL and input for GL_POLICY_CACHE_TTL_SECONDS (0: never);
 *       failures are never cached.</li>
 * </ul>
 *
 * <p>Thread-safe. Worst-case latency of one evaluation is (retries + 1) x timeout plus the backoff; it never
 * throws for a failed or slow OPA.
 */
public final class OpaPolicyEngine implements PolicyEngine {

    private static final Logger log = LoggerFactory.getLogger(OpaPolicyEngine.class);
    static final String SOURCE = "opa";
    /** Decision document path under a bare GL_OPA_URL; the stage name is appended. */
    public static final String DEFAULT_DECISION_PATH = "/v1/data/greenlang/policies/";
    private static final int MAX_CACHE_ENTRIES = 10_000;
    private static final int MAX_ERROR_BODY = 200;

    private final Settings settings;
    private final PolicyAction defaultAction;
    private final boolean strictMode;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();
    private final Backoff backoff;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * Where and how to ask OPA.
     *
     * @param url      GL_OPA_URL: a base URL or a full decision URL (http or https)
     * @param timeout  GL_OPA_TIMEOUT_SECONDS: limit of one attempt
     * @param retries  GL_OPA_RETRY_COUNT: attempts after the first
     * @param cacheTtl GL_POLICY_CACHE_TTL_SECONDS: how long a decision is reused; zero disables the cache
     */
    public record Settings(URI url, Duration timeout, int retries, Duration cacheTtl) {

        /** Validates the values. */
        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                    || url.getHost() == null) {
                throw new IllegalArgumentException(GlConfig.OPA_URL + " must be an http(s) URL, got '" + url + "'");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("OPA timeout must be positive, got " + timeout);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("OPA retries must not be negative, got " + retries);
            }
            if (cacheTtl.isNegative()) {
                throw new IllegalArgumentException("policy cache TTL must not be negative, got " + cacheTtl);
            }
        }

        /** The OPA settings of {@code config}. */
        public static Settings fromConfig(GlConfig config) {
            return new Settings(config.opaUrl(), config.opaTimeout(), config.opaRetryCount(), config.policyCacheTtl());
        }
    }

    /**
     * @param settings      where and how to ask
     * @param defaultAction GL_POLICY_DEFAULT_ACTION, when this engine is used alone and OPA's vote is ignored
     * @param strictMode    GL_POLICY_STRICT_MODE: deny when OPA cannot be asked
     */
    public OpaPolicyEngine(Settings settings, PolicyAction defaultAction, boolean strictMode) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
        this.strictMode = strictMode;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), settings.retries() + 1);
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The URL asked for decisions at {@code stage}. */
    public URI decisionUrl(PolicyStage stage) {
        URI url = settings.url();
        String path = url.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return url.resolve(DEFAULT_DECISION_PATH + PolicyVariables.stageName(stage));
        }
        return url;
    }

    @Override
    public PolicyResult evaluate(PolicyContext context) {
        return Decisions.combine(context, List.of(vote(context)), defaultAction);
    }

    Vote vote(PolicyContext context) {
        URI url = decisionUrl(context.stage());
        String body;
        try {
            body = json.writeValueAsString(Map.of("input", PolicyVariables.of(context)));
        } catch (JsonProcessingException e) {
            return failed(url, new Failure(false, false, "cannot encode the input: " + e.getOriginalMessage()), 0);
        }
        String cacheKey = url + "\n" + body;
        Cached cached = cache.get(cacheKey);
        if (cached != null && cached.expiresAtNanos - System.nanoTime() > 0) {
            return cached.vote;
        }
        Failure failure = null;
        int attempt = 0;
        while (attempt < backoff.maxAttempts()) {
            attempt++;
            Outcome outcome = ask(url, body);
            if (outcome.vote != null) {
                remember(cacheKey, outcome.vote);
                return outcome.vote;
            }
            failure = outcome.failure;
            Optional<Duration> delay = failure.retryable ? backoff.delayAfterAttempt(attempt) : Optional.empty();
            if (delay.isEmpty() || !pause(delay.get())) {
                break;
            }
        }
        return failed(url, failure, attempt);
    }

    private Outcome ask(URI url, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            // The request timeout covers the wait for the response headers; this bounds the body as well.
            response = future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Outcome.unreachable("no answer within " + settings.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Outcome.failure(false, "interrupted while waiting for the answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return Outcome.unreachable("no answer within " + settings.timeout().toMillis() + " ms");
            }
            return cause instanceof IOException ? Outcome.unreachable(cause.toString())
                    : Outcome.failure(false, "request failed: " + cause);
        }
        int status = response.statusCode();
        if (status != 200) {
            return Outcome.failure(status >= 500, "answered HTTP " + status + ": " + abbreviate(response.body()));
        }
        return decide(url, response.body());
    }

    private Outcome decide(URI url, String responseBody) {
        JsonNode root;
        try {
            root = json.readTree(responseBody);
        } catch (JsonProcessingException e) {
            return Outcome.failure(false, "answered something that is not JSON: " + abbreviate(responseBody));
        }
        JsonNode result = root == null ? null : root.get("result");
        if (result == null || result.isNull()) {
            return Outcome.failure(false, "has no decision (response without 'result': is the policy loaded and "
                    + "the decision path right?)");
        }
        boolean allow;
        List<String> reasons = new ArrayList<>();
        if (result.isBoolean()) {
            allow = result.booleanValue();
        } else if (result.isObject() && result.path("allow").isBoolean()) {
            allow = result.get("allow").booleanValue();
            JsonNode reasonsNode = result.path("reasons");
            if (reasonsNode.isArray()) {
                reasonsNode.forEach(r -> reasons.add(r.isTextual() ? r.textValue() : r.toString()));
            } else if (reasonsNode.isTextual()) {
                reasons.add(reasonsNode.textValue());
            }
        } else {
            return Outcome.failure(false, "answered an unexpected result " + abbreviate(result.toString())
                    + "; expected true, false or {\"allow\": bool, \"reasons\": [...]}");
        }
        String rule = "opa:" + url.getPath();
        String because = reasons.isEmpty() ? "" : ": " + String.join("; ", reasons);
        PolicyResult decision = allow
                ? new PolicyResult(PolicyVerdict.ALLOW, List.of(rule), null,
                        "allowed by OPA (" + url.getPath() + ")" + because, SOURCE, null)
                : new PolicyResult(PolicyVerdict.DENY, List.of(rule), ErrorCode.OPA_DENY,
                        reasons.isEmpty() ? "denied by OPA (" + url.getPath() + ")" : String.join("; ", reasons),
                        SOURCE, null);
        return new Outcome(new Vote(SOURCE, decision, true, List.of()), null);
    }

    private Vote failed(URI url, Failure failure, int attempts) {
        String what = (failure.unreachable ? "OPA unreachable at " : "OPA failed at ") + url + " after " + attempts
                + " attempt" + (attempts == 1 ? "" : "s") + ": " + failure.detail;
        if (strictMode) {
            log.warn("Policy denied because {} and {}=true", what, GlConfig.POLICY_STRICT_MODE);
            return new Vote(SOURCE, new PolicyResult(PolicyVerdict.DENY, List.of(), ErrorCode.OPA_DENY,
                    what + "; " + GlConfig.POLICY_STRICT_MODE + "=true denies", SOURCE, null), true, List.of());
        }
        log.warn("Ignoring OPA's vote because {} and {}=false", what, GlConfig.POLICY_STRICT_MODE);
        return new Vote(SOURCE, null, true,
                List.of("OPA's vote ignored (" + GlConfig.POLICY_STRICT_MODE + "=false): " + what));
    }

    private void remember(String key, Vote vote) {
        long ttlNanos = settings.cacheTtl().toNanos();
        if (ttlNanos <= 0) {
            return;
        }
        if (cache.size() >= MAX_CACHE_ENTRIES) {
            long now = System.nanoTime();
            cache.values().removeIf(c -> c.expiresAtNanos - now <= 0);
            if (cache.size() >= MAX_CACHE_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(key, new Cached(System.nanoTime() + ttlNanos, vote));
    }

    /** Sleeps before a retry; false when interrupted (the interrupt is kept and no retry follows). */
    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_ERROR_BODY ? oneLine : oneLine.substring(0, MAX_ERROR_BODY) + "...";
    }

    private record Cached(long expiresAtNanos, Vote vote) {
    }

    /** Why an attempt gave no decision; connection failures and timeouts are "unreachable". */
    private record Failure(boolean retryable, boolean unreachable, String detail) {
    }

    private record Outcome(Vote vote, Failure failure) {
        static Outcome failure(boolean retryable, String detail) {
            return new Outcome(null, new Failure(retryable, false, detail));
        }

        static Outcome unreachable(String detail) {
            return new Outcome(null, new Failure(true, true, detail));
        }
    }
}
