package io.greenlang.scada.tagmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import io.greenlang.common.error.ErrorCode;

/**
 * A plant's tag map: its OPC UA endpoint, the security the connection must use, the subscription settings, the
 * tags to subscribe to and, for write-back of dispatch setpoints, which tags carry which dispatch asset's setpoint
 * and within which limits they may be written. Loaded from YAML and validated as a whole: a map with problems is
 * refused with a {@link TagMapException} listing all of them, never half-used.
 *
 * <pre>
 * plant_id: plant-1
 * endpoint: opc.tcp://scada.plant-1:4840/greenlang
 * security: {policy: Basic256Sha256, mode: SignAndEncrypt}
 * subscription: {publishing_interval_ms: 100, queue_size: 10}
 * write_back: {enabled: false}
 * tags:
 *   - {node_id: "ns=2;s=plant-1/B1.STEAM.FLOW_TPH", asset_id: plant-1/B1, tag: B1.STEAM.FLOW_TPH,
 *      unit: t/h, sampling_interval_ms: 100, deadband: 0.1}
 *   - {node_id: "ns=2;s=plant-1/B1.SETPOINT.LOAD_MW", asset_id: plant-1/B1, tag: B1.SETPOINT.LOAD_MW,
 *      unit: MW, sampling_interval_ms: 100, dispatch_asset_id: B1, writable: true,
 *      min: 0, max: 25, max_rate_per_minute: 5}
 * </pre>
 *
 * <p>Write-back rules checked here: {@code write_back.enabled} defaults to false; a tag with
 * {@code writable: true} must name the {@code dispatch_asset_id} whose setpoint it carries and give {@code min},
 * {@code max} (at least {@code min}) and {@code max_rate_per_minute} (&gt; 0); the three limits go together; a
 * dispatch asset is carried by at most one tag; enabling write-back without a writable tag is an error.
 *
 * @param plantId              plant id, the key of its events
 * @param endpoint             OPC UA endpoint URL ({@code opc.tcp://host:port[/path]})
 * @param securityPolicy       security policy of the connection
 * @param securityMode         message security mode; {@link SecurityMode#NONE} exactly when the policy is NONE
 * @param publishingIntervalMs publishing interval of the subscription, ms
 * @param queueSize            server-side queue size of each monitored item
 * @param tags                 the tags, at least one; tag names and node ids unique
 * @param writeBackEnabled     whether dispatch setpoints may be written to the plant's writable tags (default off)
 */
public record TagMap(String plantId, String endpoint, SecurityPolicy securityPolicy, SecurityMode securityMode,
                     double publishingIntervalMs, int queueSize, List<TagSpec> tags, boolean writeBackEnabled) {

    /** OPC UA security policies a tag map may name. */
    public enum SecurityPolicy {
        /** No security: only when the tag map says so explicitly. */
        NONE("None"),
        /** Basic256Sha256 with the bridge's application certificate. */
        BASIC256SHA256("Basic256Sha256");

        private final String yamlName;

        SecurityPolicy(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The name used in YAML. */
        public String yamlName() {
            return yamlName;
        }
    }

    /** OPC UA message security modes a tag map may name. */
    public enum SecurityMode {
        /** Plain messages (policy None only). */
        NONE("None"),
        /** Signed messages. */
        SIGN("Sign"),
        /** Signed and encrypted messages. */
        SIGN_AND_ENCRYPT("SignAndEncrypt");

        private final String yamlName;

        SecurityMode(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The name used in YAML. */
        public String yamlName() {
            return yamlName;
        }
    }

    /** Default publishing interval when the map gives none, ms. */
    public static final double DEFAULT_PUBLISHING_INTERVAL_MS = 250;
    /** Default queue size when the map gives none. */
    public static final int DEFAULT_QUEUE_SIZE = 10;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_KEYS = Set.of("plant_id", "endpoint", "security", "subscription",
            "write_back", "tags");
    private static final Set<String> TAG_KEYS = Set.of("node_id", "asset_id", "tag", "unit", "sampling_interval_ms",
            "deadband", "dispatch_asset_id", "writable", "min", "max", "max_rate_per_minute");
    private static final List<String> LIMIT_KEYS = List.of("min", "max", "max_rate_per_minute");

    /** Defensive copy of the tags. */
    public TagMap {
        tags = List.copyOf(tags);
    }

    /** A map with write-back disabled. */
    public TagMap(String plantId, String endpoint, SecurityPolicy securityPolicy, SecurityMode securityMode,
                  double publishingIntervalMs, int queueSize, List<TagSpec> tags) {
        this(plantId, endpoint, securityPolicy, securityMode, publishingIntervalMs, queueSize, tags, false);
    }

    /** The tag carrying the setpoint of a dispatch asset ({@code Setpoint.asset_id}), writable or not. */
    public Optional<TagSpec> setpointTag(String dispatchAssetId) {
        return tags.stream().filter(t -> dispatchAssetId.equals(t.dispatchAssetId())).findFirst();
    }

    /**
     * Reads and validates a tag map file.
     *
     * @throws TagMapException listing every problem, with {@link ErrorCode#YAML_INVALID} or {@link ErrorCode#YAML_SCHEMA}
     */
    public static TagMap load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tag map " + file, e);
        }
    }

    /**
     * Parses and validates a tag map given as YAML text.
     *
     * @throws TagMapException listing every problem, with {@link ErrorCode#YAML_INVALID} or {@link ErrorCode#YAML_SCHEMA}
     */
    public static TagMap load(String yaml) {
        return parse(yaml, "<text>");
    }

    private static TagMap parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "/"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new TagMapException(ErrorCode.YAML_INVALID, source,
                    List.of(new TagMapProblem(where, e.getOriginalMessage())), e);
        }
        Validator v = new Validator();
        TagMap map = v.tagMap(root);
        if (!v.problems.isEmpty()) {
            throw new TagMapException(ErrorCode.YAML_SCHEMA, source, v.problems, null);
        }
        return map;
    }

    /** This map as YAML in the format {@link #load(String)} reads. */
    public String toYaml() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("plant_id", plantId);
        root.put("endpoint", endpoint);
        root.put("security", Map.of("policy", securityPolicy.yamlName(), "mode", securityMode.yamlName()));
        Map<String, Object> subscription = new LinkedHashMap<>();
        subscription.put("publishing_interval_ms", publishingIntervalMs);
        subscription.put("queue_size", queueSize);
        root.put("subscription", subscription);
        root.put("write_back", Map.of("enabled", writeBackEnabled));
        List<Map<String, Object>> tagList = new ArrayList<>();
        for (TagSpec t : tags) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", t.nodeId());
            m.put("asset_id", t.assetId());
            m.put("tag", t.tag());
            m.put("unit", t.unit());
            m.put("sampling_interval_ms", t.samplingIntervalMs());
            m.put("deadband", t.deadband());
            if (t.dispatchAssetId() != null) {
                m.put("dispatch_asset_id", t.dispatchAssetId());
            }
            if (t.writable()) {
                m.put("writable", true);
            }
            if (t.limits() != null) {
                m.put("min", t.limits().min());
                m.put("max", t.limits().max());
                m.put("max_rate_per_minute", t.limits().maxRatePerMinute());
            }
            tagList.add(m);
        }
        root.put("tags", tagList);
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write tag map of " + plantId, e);
        }
    }

    /** Writes {@link #toYaml()} to a file. */
    public void write(Path file) {
        try {
            Files.writeString(file, toYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tag map " + file, e);
        }
    }

    /** The same map with another endpoint, policy and mode. */
    public TagMap withSecurity(String newEndpoint, SecurityPolicy policy, SecurityMode mode) {
        return new TagMap(plantId, newEndpoint, policy, mode, publishingIntervalMs, queueSize, tags, writeBackEnabled);
    }

    /** The same map with another publishing interval and queue size. */
    public TagMap withSubscription(double newPublishingIntervalMs, int newQueueSize) {
        return new TagMap(plantId, endpoint, securityPolicy, securityMode, newPublishingIntervalMs, newQueueSize, tags,
                writeBackEnabled);
    }

    /** The same map with write-back switched on or off. */
    public TagMap withWriteBack(boolean enabled) {
        return new TagMap(plantId, endpoint, securityPolicy, securityMode, publishingIntervalMs, queueSize, tags,
                enabled);
    }

    /** The same map with other tags (e.g. one made writable or read-only). */
    public TagMap withTags(List<TagSpec> newTags) {
        return new TagMap(plantId, endpoint, securityPolicy, securityMode, publishingIntervalMs, queueSize, newTags,
                writeBackEnabled);
    }

    /** Collects every problem while walking the tree; returns a map only meaningful when none was found. */
    private static final class Validator {
        final List<TagMapProblem> problems = new ArrayList<>();
        /** Whether any tag says {@code writable: true}, even one with problems. */
        boolean anyWritable;

        TagMap tagMap(JsonNode root) {
            if (root == null || !root.isObject()) {
                problems.add(new TagMapProblem("/", "must be a mapping with plant_id, endpoint, security and tags"));
                return null;
            }
            unknownKeys(root, "", TOP_KEYS);
            String plantId = text(root, "", "plant_id", true);
            String endpoint = text(root, "", "endpoint", true);
            if (endpoint != null && !endpoint.matches("opc\\.tcp://[^/:\\s]+:\\d{1,5}(/\\S*)?")) {
                problems.add(new TagMapProblem("/endpoint", "must be an opc.tcp://host:port[/path] URL, got '"
                        + endpoint + "'"));
            }
            SecurityPolicy policy = null;
            SecurityMode mode = null;
            JsonNode security = root.get("security");
            if (security == null || !security.isObject()) {
                problems.add(new TagMapProblem("/security", "required: a mapping with policy and mode"));
            } else {
                unknownKeys(security, "/security", Set.of("policy", "mode"));
                policy = named(security, "/security", "policy", SecurityPolicy.values());
                mode = named(security, "/security", "mode", SecurityMode.values());
                if (policy != null && mode != null && (policy == SecurityPolicy.NONE) != (mode == SecurityMode.NONE)) {
                    problems.add(new TagMapProblem("/security/mode", "mode " + mode.yamlName()
                            + " does not go with policy " + policy.yamlName()
                            + ": policy None needs mode None, and Basic256Sha256 needs Sign or SignAndEncrypt"));
                }
            }
            double publishing = DEFAULT_PUBLISHING_INTERVAL_MS;
            int queue = DEFAULT_QUEUE_SIZE;
            JsonNode subscription = root.get("subscription");
            if (subscription != null) {
                if (!subscription.isObject()) {
                    problems.add(new TagMapProblem("/subscription", "must be a mapping"));
                } else {
                    unknownKeys(subscription, "/subscription", Set.of("publishing_interval_ms", "queue_size"));
                    publishing = number(subscription, "/subscription", "publishing_interval_ms", publishing, 1, 3_600_000);
                    queue = (int) number(subscription, "/subscription", "queue_size", queue, 1, 10_000);
                }
            }
            boolean writeBack = false;
            JsonNode writeBackNode = root.get("write_back");
            if (writeBackNode != null) {
                if (!writeBackNode.isObject()) {
                    problems.add(new TagMapProblem("/write_back", "must be a mapping with enabled"));
                } else {
                    unknownKeys(writeBackNode, "/write_back", Set.of("enabled"));
                    writeBack = bool(writeBackNode, "/write_back", "enabled");
                }
            }
            List<TagSpec> tags = new ArrayList<>();
            JsonNode tagsNode = root.get("tags");
            if (tagsNode == null || !tagsNode.isArray() || tagsNode.isEmpty()) {
                problems.add(new TagMapProblem("/tags", "required: a list of at least one tag"));
            } else {
                Set<String> names = new HashSet<>();
                Set<String> nodeIds = new HashSet<>();
                Set<String> dispatchAssets = new HashSet<>();
                for (int i = 0; i < tagsNode.size(); i++) {
                    TagSpec tag = tag(tagsNode.get(i), "/tags/" + i);
                    if (tag == null) {
                        continue;
                    }
                    if (tag.tag() != null && !names.add(tag.tag())) {
                        problems.add(new TagMapProblem("/tags/" + i + "/tag", "duplicate tag name '" + tag.tag() + "'"));
                    }
                    if (tag.nodeId() != null && !nodeIds.add(tag.nodeId())) {
                        problems.add(new TagMapProblem("/tags/" + i + "/node_id", "duplicate node id '"
                                + tag.nodeId() + "'"));
                    }
                    if (tag.dispatchAssetId() != null && !dispatchAssets.add(tag.dispatchAssetId())) {
                        problems.add(new TagMapProblem("/tags/" + i + "/dispatch_asset_id", "dispatch asset '"
                                + tag.dispatchAssetId() + "' is already carried by another tag"));
                    }
                    tags.add(tag);
                }
            }
            if (writeBack && !tags.isEmpty() && !anyWritable) {
                problems.add(new TagMapProblem("/write_back/enabled", "write-back is enabled but no tag is writable"));
            }
            return problems.isEmpty()
                    ? new TagMap(plantId, endpoint, policy, mode, publishing, queue, tags, writeBack) : null;
        }

        private TagSpec tag(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                problems.add(new TagMapProblem(path, "must be a mapping with node_id, asset_id, tag, unit, "
                        + "sampling_interval_ms and deadband"));
                return null;
            }
            unknownKeys(node, path, TAG_KEYS);
            String nodeId = text(node, path, "node_id", true);
            if (nodeId != null && NodeId.parseOrNull(nodeId) == null) {
                problems.add(new TagMapProblem(path + "/node_id", "not an OPC UA node id: '" + nodeId
                        + "' (expected e.g. ns=2;s=plant-1/B1.STEAM.FLOW_TPH)"));
            }
            String assetId = text(node, path, "asset_id", true);
            String tag = text(node, path, "tag", true);
            String unit = text(node, path, "unit", true);
            double sampling = number(node, path, "sampling_interval_ms", Double.NaN, 0, 3_600_000);
            double deadband = number(node, path, "deadband", 0, 0, Double.MAX_VALUE);
            String dispatchAssetId = text(node, path, "dispatch_asset_id", false);
            boolean writable = bool(node, path, "writable");
            anyWritable |= writable;
            TagSpec.WriteLimits limits = limits(node, path, writable);
            if (writable && dispatchAssetId == null && node.get("dispatch_asset_id") == null) {
                problems.add(new TagMapProblem(path + "/dispatch_asset_id", "required when writable: the "
                        + "DispatchPlan Setpoint.asset_id whose load_mw this tag carries"));
            }
            boolean complete = !writable || (dispatchAssetId != null && limits != null);
            return new TagSpec(nodeId, assetId, tag, unit, sampling, deadband, dispatchAssetId, writable && complete,
                    limits);
        }

        /** The write limits: all three or none, required when writable; min at most max; rate above 0. */
        private TagSpec.WriteLimits limits(JsonNode node, String path, boolean writable) {
            boolean anyGiven = LIMIT_KEYS.stream().anyMatch(k -> node.get(k) != null && !node.get(k).isNull());
            if (!writable && !anyGiven) {
                return null;
            }
            int before = problems.size();
            String why = writable ? "required when writable" : "required with the other write limits";
            double min = finite(node, path, "min", why);
            double max = finite(node, path, "max", why);
            double rate = node.get("max_rate_per_minute") == null
                    ? missing(path + "/max_rate_per_minute", why)
                    : number(node, path, "max_rate_per_minute", Double.NaN, 0, Double.MAX_VALUE);
            if (problems.size() > before) {
                return null;
            }
            if (min > max) {
                problems.add(new TagMapProblem(path + "/min", "must be <= max, got min " + fmt(min) + " > max "
                        + fmt(max)));
                return null;
            }
            return new TagSpec.WriteLimits(min, max, rate);
        }

        private double finite(JsonNode node, String path, String key, String whyRequired) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return missing(path + "/" + key, whyRequired);
            }
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                problems.add(new TagMapProblem(path + "/" + key, "must be a number"));
                return Double.NaN;
            }
            return value.asDouble();
        }

        private double missing(String path, String why) {
            problems.add(new TagMapProblem(path, why));
            return Double.NaN;
        }

        /** An optional boolean, false when absent. */
        private boolean bool(JsonNode node, String path, String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return false;
            }
            if (!value.isBoolean()) {
                problems.add(new TagMapProblem(path + "/" + key, "must be true or false, got '" + value.asText()
                        + "'"));
                return false;
            }
            return value.booleanValue();
        }

        private void unknownKeys(JsonNode node, String path, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    problems.add(new TagMapProblem(path + "/" + key, "unknown key; allowed: "
                            + allowed.stream().sorted().toList()));
                }
            }
        }

        private String text(JsonNode node, String path, String key, boolean required) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    problems.add(new TagMapProblem(path + "/" + key, "required"));
                }
                return null;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                problems.add(new TagMapProblem(path + "/" + key, "must be a non-empty string"));
                return null;
            }
            return value.asText();
        }

        /** A number in [min, max]; {@code fallback} when absent, unless it is NaN, which means required. */
        private double number(JsonNode node, String path, String key, double fallback, double min, double max) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (Double.isNaN(fallback)) {
                    problems.add(new TagMapProblem(path + "/" + key, "required"));
                }
                return fallback;
            }
            if (!value.isNumber()) {
                problems.add(new TagMapProblem(path + "/" + key, "must be a number"));
                return fallback;
            }
            double d = value.asDouble();
            boolean minExclusive = min == 0 && !"deadband".equals(key);
            if (d < min || d > max || (minExclusive && d <= 0)) {
                problems.add(new TagMapProblem(path + "/" + key, "must be " + (minExclusive ? "> 0" : ">= " + fmt(min))
                        + (max == Double.MAX_VALUE ? "" : " and <= " + fmt(max)) + ", got " + fmt(d)));
            }
            return d;
        }

        private <E extends Enum<E>> E named(JsonNode node, String path, String key, E[] values) {
            String text = text(node, path, key, true);
            if (text == null) {
                return null;
            }
            for (E e : values) {
                String name = e instanceof SecurityPolicy p ? p.yamlName() : ((SecurityMode) e).yamlName();
                if (name.equals(text)) {
                    return e;
                }
            }
            List<String> names = new ArrayList<>();
            for (E e : values) {
                names.add(e instanceof SecurityPolicy p ? p.yamlName() : ((SecurityMode) e).yamlName());
            }
            problems.add(new TagMapProblem(path + "/" + key, "must be one of " + names + ", got '" + text + "'"));
            return null;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
