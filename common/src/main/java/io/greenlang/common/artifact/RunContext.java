package io.greenlang.common.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.CanonicalJson;

/**
 * What an agent is given: the {@code input.json} the worker writes to the attempt's folder before it launches
 * the agent, and whose URI the agent receives as {@code GL_INPUT_URI}. Described by
 * {@code run-context.schema.json}; written as RFC 8785 canonical JSON, so its SHA-256 (which the agent
 * repeats in its result's provenance) does not depend on who serialised it.
 *
 * @param apiVersion     always {@link #API_VERSION}
 * @param runId          the run
 * @param step           the step's name in the pipeline
 * @param attempt        the attempt, from 1
 * @param tenantId       the tenant that owns the run
 * @param agent          the agent id, e.g. {@code GL-MRV-X-001}
 * @param parameters     the run's bound parameters, as strings
 * @param inputs         the step's resolved inputs: parameter values and upstream steps' outputs (often
 *                       {@code s3://} URIs of their artifacts)
 * @param outputUri      the attempt's folder ({@code s3://bucket/.../steps/<step>.<attempt>/}): the agent writes
 *                       {@code result.json} there and its files under {@code artifacts/}
 * @param deadline       when the attempt is stopped (launch time + timeout)
 * @param timeoutSeconds the step's timeout
 * @param idempotencyKey the command's key, unique per run, step and attempt
 */
public record RunContext(
        @JsonProperty("api_version") String apiVersion,
        @JsonProperty("run_id") String runId,
        @JsonProperty("step") String step,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("tenant_id") String tenantId,
        @JsonProperty("agent") String agent,
        @JsonProperty("parameters") Map<String, String> parameters,
        @JsonProperty("inputs") Map<String, String> inputs,
        @JsonProperty("output_uri") String outputUri,
        @JsonProperty("deadline") Instant deadline,
        @JsonProperty("timeout_seconds") int timeoutSeconds,
        @JsonProperty("idempotency_key") String idempotencyKey) {

    /** The document version this class reads and writes. */
    public static final String API_VERSION = "greenlang.io/run-context/v1";

    /** Classpath location of the JSON Schema. */
    public static final String SCHEMA_RESOURCE = "/io/greenlang/common/artifact/run-context.schema.json";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Validates and copies. */
    public RunContext {
        Objects.requireNonNull(apiVersion, "api_version");
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(tenantId, "tenant_id");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(outputUri, "output_uri");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(idempotencyKey, "idempotency_key");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
        }
        parameters = parameters == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(parameters));
        inputs = inputs == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(inputs));
    }

    /** The attempt's folder as a location. */
    public S3Location outputLocation() {
        return S3Location.parse(outputUri);
    }

    /** Canonical JSON bytes (RFC 8785), as stored in {@code input.json}. */
    public byte[] toJsonBytes() {
        try {
            return CanonicalJson.canonicalBytes(MAPPER.valueToTree(Map.ofEntries(
                    Map.entry("api_version", apiVersion), Map.entry("run_id", runId), Map.entry("step", step),
                    Map.entry("attempt", attempt), Map.entry("tenant_id", tenantId), Map.entry("agent", agent),
                    Map.entry("parameters", parameters), Map.entry("inputs", inputs),
                    Map.entry("output_uri", outputUri), Map.entry("deadline", deadline.toString()),
                    Map.entry("timeout_seconds", timeoutSeconds), Map.entry("idempotency_key", idempotencyKey))));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot serialise the run context of " + runId + "/" + step, e);
        }
    }

    /**
     * Reads an {@code input.json}.
     *
     * @throws GreenLangException GL-E-INTERNAL when the document is not a RunContext of this version (the
     *                            platform wrote it, so that is a platform bug)
     */
    public static RunContext parse(byte[] json) {
        try {
            RunContext context = MAPPER.readValue(json, RunContext.class);
            if (!API_VERSION.equals(context.apiVersion())) {
                throw new GreenLangException(ErrorCode.INTERNAL, "input.json has api_version '"
                        + context.apiVersion() + "', this agent reads " + API_VERSION);
            }
            return context;
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new GreenLangException(ErrorCode.INTERNAL, "input.json is not a RunContext: " + e.getMessage()
                    + " (first bytes: " + new String(json, 0, Math.min(json.length, 80), StandardCharsets.UTF_8)
                    + ")", e);
        }
    }
}
