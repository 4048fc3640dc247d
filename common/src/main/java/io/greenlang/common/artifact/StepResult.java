package io.greenlang.common.artifact;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.CanonicalJson;

/**
 * What an agent hands back: the {@code result.json} it writes to its attempt's folder ({@code GL_OUTPUT_URI}).
 * Described by {@code step-result.schema.json}.
 *
 * <p>{@link #parse(byte[])} is strict about what the worker relies on and reports each kind of defect with the
 * code the worker turns it into: not JSON, a wrong version, a missing or mistyped field, an unknown status,
 * an artifact path outside {@code artifacts/} all give GL-E-AGENT-OUTPUT-INVALID; no provenance (or provenance
 * without the agent id or the input hash) gives GL-E-PROVENANCE-MISSING. Checking the hashes against S3 is the
 * worker's part (GL-E-PROVENANCE-MISMATCH).
 *
 * @param apiVersion  always {@link #API_VERSION}
 * @param status      whether the agent did its job
 * @param outputs     small named outputs, handed to downstream steps as {@code ${steps.<step>.outputs.<name>}}
 * @param artifacts   the files the agent wrote under {@code artifacts/}, with their hashes
 * @param provenance  who produced the result from which input
 * @param error       why it failed; present exactly when {@code status} is {@link Status#FAILED}
 */
public record StepResult(String apiVersion, Status status, Map<String, String> outputs, List<Artifact> artifacts,
                         Provenance provenance, Failure error) {

    /** The document version this class reads and writes. */
    public static final String API_VERSION = "greenlang.io/step-result/v1";

    /** Classpath location of the JSON Schema. */
    public static final String SCHEMA_RESOURCE = "/io/greenlang/common/artifact/step-result.schema.json";

    /** Size limit of a result.json: results carry references, not data. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The outcome an agent reports. */
    public enum Status {
        /** The agent produced its outputs. */
        SUCCEEDED,
        /** The agent ran but could not do its job; {@link StepResult#error()} says why. */
        FAILED;

        /** As written in JSON: {@code succeeded}, {@code failed}. */
        public String jsonValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A file the agent wrote.
     *
     * @param path   relative to the attempt's folder, always under {@code artifacts/}
     * @param sha256 SHA-256 of the file's bytes, 64 lowercase hex characters
     * @param size   the file's size in bytes
     */
    public record Artifact(String path, String sha256, long size) {
        /** Validates. */
        public Artifact {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * Who produced the result, from what.
     *
     * @param agentId      the agent id, e.g. {@code GL-MRV-X-001}
     * @param agentVersion the agent's version
     * @param inputSha256  SHA-256 of the {@code input.json} bytes the agent read
     */
    public record Provenance(String agentId, String agentVersion, String inputSha256) {
        /** Validates. */
        public Provenance {
            Objects.requireNonNull(agentId, "agent_id");
            Objects.requireNonNull(agentVersion, "agent_version");
            Objects.requireNonNull(inputSha256, "input_sha256");
        }
    }

    /**
     * Why the agent failed.
     *
     * @param code    a GL-E-* code when the agent knows one, else null (the worker then reports GL-E-AGENT-CRASH)
     * @param message what went wrong, for people
     */
    public record Failure(String code, String message) {
        /** Validates. */
        public Failure {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Validates and copies. */
    public StepResult {
        Objects.requireNonNull(apiVersion, "api_version");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(provenance, "provenance");
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        if ((status == Status.FAILED) != (error != null)) {
            throw new IllegalArgumentException("error is required exactly when status is failed");
        }
    }

    /** A successful result. */
    public static StepResult succeeded(Map<String, String> outputs, List<Artifact> artifacts, Provenance provenance) {
        return new StepResult(API_VERSION, Status.SUCCEEDED, outputs, artifacts, provenance, null);
    }

    /** A failed result. */
    public static StepResult failed(Failure error, Provenance provenance) {
        return new StepResult(API_VERSION, Status.FAILED, Map.of(), List.of(), provenance, error);
    }

    /** Canonical JSON bytes (RFC 8785), as an agent stores them in {@code result.json}. */
    public byte[] toJsonBytes() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("api_version", apiVersion);
        root.put("status", status.jsonValue());
        ObjectNode out = root.putObject("outputs");
        outputs.forEach(out::put);
        ArrayNode files = root.putArray("artifacts");
        for (Artifact a : artifacts) {
            files.addObject().put("path", a.path()).put("sha256", a.sha256()).put("size", a.size());
        }
        root.putObject("provenance").put("agent_id", provenance.agentId())
                .put("agent_version", provenance.agentVersion()).put("input_sha256", provenance.inputSha256());
        if (error != null) {
            ObjectNode e = root.putObject("error");
            if (error.code() != null) {
                e.put("code", error.code());
            }
            e.put("message", error.message());
        }
        return CanonicalJson.canonicalBytes(root);
    }

    /**
     * Reads and checks a {@code result.json}.
     *
     * @throws GreenLangException GL-E-AGENT-OUTPUT-INVALID or GL-E-PROVENANCE-MISSING, naming the defect
     */
    public static StepResult parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw invalid("is " + json.length + " bytes, more than the limit of " + MAX_BYTES
                    + " (results carry references: put data in artifacts/)");
        }
        JsonNode root;
        try {
            root = RunContext.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("is not a JSON object");
        }
        String version = text(root, "api_version", true);
        if (!API_VERSION.equals(version)) {
            throw invalid("has api_version '" + version + "', expected '" + API_VERSION + "'");
        }
        String statusText = text(root, "status", true);
        Status status;
        try {
            status = Status.valueOf(statusText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("has status '" + statusText + "', expected succeeded or failed");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        JsonNode outputsNode = root.path("outputs");
        if (!outputsNode.isMissingNode() && !outputsNode.isNull()) {
            if (!outputsNode.isObject()) {
                throw invalid("field 'outputs' must be an object of strings");
            }
            for (Map.Entry<String, JsonNode> e : outputsNode.properties()) {
                if (!e.getValue().isTextual()) {
                    throw invalid("output '" + e.getKey() + "' must be a string, got " + e.getValue().getNodeType());
                }
                outputs.put(e.getKey(), e.getValue().asText());
            }
        }
        List<Artifact> artifacts = new ArrayList<>();
        JsonNode artifactsNode = root.path("artifacts");
        if (!artifactsNode.isMissingNode() && !artifactsNode.isNull()) {
            if (!artifactsNode.isArray()) {
                throw invalid("field 'artifacts' must be an array");
            }
            for (int i = 0; i < artifactsNode.size(); i++) {
                artifacts.add(artifact(artifactsNode.get(i), "artifacts[" + i + "]"));
            }
        }
        Provenance provenance = provenance(root.get("provenance"));
        Failure error = null;
        JsonNode errorNode = root.get("error");
        if (status == Status.FAILED) {
            if (errorNode == null || !errorNode.isObject()) {
                throw invalid("has status failed but no 'error' object");
            }
            error = new Failure(text(errorNode, "code", false), text(errorNode, "message", true));
        } else if (errorNode != null && !errorNode.isNull()) {
            throw invalid("has status succeeded and an 'error'");
        }
        return new StepResult(version, status, outputs, artifacts, provenance, error);
    }

    private static Artifact artifact(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be an object");
        }
        String path = text(node, "path", true, where);
        if (!path.startsWith(ArtifactLayout.ARTIFACTS_DIR) || path.contains("..") || path.contains("//")
                || path.length() == ArtifactLayout.ARTIFACTS_DIR.length()) {
            throw invalid(where + ".path '" + path + "' must name a file under " + ArtifactLayout.ARTIFACTS_DIR);
        }
        String sha = text(node, "sha256", true, where);
        if (!SHA256.matcher(sha).matches()) {
            throw invalid(where + ".sha256 must be 64 lowercase hex characters, got '" + sha + "'");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        return new Artifact(path, sha, size.asLong());
    }

    private static Provenance provenance(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new GreenLangException(ErrorCode.PROVENANCE_MISSING,
                    "result.json has no 'provenance': the agent must say who produced it from which input");
        }
        if (!node.isObject()) {
            throw invalid("field 'provenance' must be an object");
        }
        String agentId = text(node, "agent_id", false);
        String inputSha = text(node, "input_sha256", false);
        if (agentId == null || agentId.isBlank() || inputSha == null) {
            throw new GreenLangException(ErrorCode.PROVENANCE_MISSING, "result.json provenance lacks "
                    + (agentId == null || agentId.isBlank() ? "agent_id" : "input_sha256"));
        }
        if (!SHA256.matcher(inputSha).matches()) {
            throw invalid("provenance.input_sha256 must be 64 lowercase hex characters, got '" + inputSha + "'");
        }
        String version = text(node, "agent_version", false);
        return new Provenance(agentId, version == null ? "unknown" : version, inputSha);
    }

    private static String text(JsonNode node, String field, boolean required) {
        return text(node, field, required, null);
    }

    private static String text(JsonNode node, String field, boolean required, String where) {
        String name = where == null ? "'" + field + "'" : where + "." + field;
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid("lacks the required field " + name);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("field " + name + " must be a string, got " + value.getNodeType());
        }
        return value.asText();
    }

    private static GreenLangException invalid(String what) {
        return new GreenLangException(ErrorCode.AGENT_OUTPUT_INVALID, "result.json " + what);
    }
}
