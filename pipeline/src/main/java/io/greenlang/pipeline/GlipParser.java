package io.greenlang.pipeline;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

import io.greenlang.common.config.ConfigValidators;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.pipeline.GlipDocument.Defaults;
import io.greenlang.pipeline.GlipDocument.Located;
import io.greenlang.pipeline.GlipDocument.Metadata;
import io.greenlang.pipeline.GlipDocument.ParameterSpec;
import io.greenlang.pipeline.GlipDocument.Source;
import io.greenlang.pipeline.GlipDocument.StepSpec;

/**
 * Reads a GLIP v1 document (YAML, or JSON, which is YAML) into a {@link GlipDocument}, reporting every schema
 * problem with its path, line and column: syntax (GL-E-YAML-INVALID), unknown fields, wrong types, missing
 * fields, bad names and limits (GL-E-YAML-SCHEMA), apiVersion and kind (GL-E-YAML-VERSION), and parameter
 * defaults that do not fit their declaration (GL-E-PARAM-TYPE / GL-E-PARAM-RANGE). Cross-references between
 * steps are checked later, by {@link DagAnalysis}.
 *
 * <p>It only composes the YAML node graph (SnakeYAML {@code compose}); it never constructs Java objects from
 * tags, and it rejects any tag beyond YAML's standard scalar and collection tags. Size, alias and nesting limits
 * are set on the loader so that a hostile document (billion laughs, deep nesting, a huge file) fails fast with
 * GL-E-YAML-INVALID instead of exhausting memory or the stack. The walk below follows the fixed shape of the
 * schema, so its depth is bounded whatever the document. One instance reads one document; not thread-safe.
 */
final class GlipParser {

    static final String API_VERSION = "greenlang.io/v1";
    static final String KIND = "Pipeline";

    /** Largest document, in characters. */
    static final int MAX_DOCUMENT_CHARS = 1 << 20;
    static final int MAX_STEPS = 1000;
    static final int MAX_PARAMETERS = 200;
    static final int MAX_DEPENDS_ON = 256;
    static final int MAX_INPUTS = 256;
    static final int MAX_COMMAND_ARGS = 256;
    static final int MAX_LABELS = 64;
    static final int MAX_NAME_LENGTH = 63;
    static final int MAX_VALUE_LENGTH = 65_536;
    static final int MAX_WHEN_LENGTH = 4096;
    static final int MAX_TEXT_LENGTH = 1024;
    static final int MAX_TIMEOUT_SECONDS = 7 * 86_400;
    static final int MAX_RETRIES = 10;
    static final int MAX_NESTING_DEPTH = 50;
    static final int MAX_ALIASES = 50;

    /** Step, pipeline and namespace names: a DNS label, plus '_' (step names end up in Kubernetes Job names). */
    static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9_-]*[a-z0-9])?");
    static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern AGENT = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?");

    static final Set<String> TOP_FIELDS = fields("apiVersion", "kind", "metadata", "spec");
    static final Set<String> METADATA_FIELDS = fields("name", "namespace", "tenant", "labels", "description");
    static final Set<String> SPEC_FIELDS = fields("parameters", "defaults", "steps", "outputs");
    static final Set<String> PARAMETER_FIELDS =
            fields("name", "type", "description", "required", "default", "min", "max", "values");
    static final Set<String> DEFAULTS_FIELDS = fields("timeout_seconds", "retries", "resources");
    static final Set<String> STEP_FIELDS = fields("name", "agent", "image", "command", "depends_on", "inputs",
            "timeout_seconds", "retries", "resources", "when");
    static final Set<String> RESOURCES_FIELDS = fields("cpu", "memory");

    private static final Set<Tag> STANDARD_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final ConfigDef.Validator CPU = ConfigValidators.cpuQuantity();
    private static final ConfigDef.Validator MEMORY = ConfigValidators.memoryQuantity();

    private final List<ValidationProblem> problems = new ArrayList<>();

    /**
     * What reading a document gave.
     *
     * @param document the model, or null when the text is not YAML at all or is another kind of document
     * @param root     the composed YAML, or null when it does not parse
     * @param problems every problem found, in document order within each part
     */
    record Result(GlipDocument document, Node root, List<ValidationProblem> problems) {
    }

    /** Reads one document. */
    static Result parse(String text) {
        return new GlipParser().read(text);
    }

    private Result read(String text) {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            problems.add(ValidationProblem.at(ErrorCode.YAML_INVALID, "", "the document has " + text.length()
                    + " characters; the limit is " + MAX_DOCUMENT_CHARS + " (1 MiB)"));
            return new Result(null, null, problems);
        }
        Node root;
        try {
            root = newYaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String context = e.getContext() == null ? "" : e.getContext() + ": ";
            problems.add(new ValidationProblem(ErrorCode.YAML_INVALID, "", "not valid YAML: " + context
                    + e.getProblem(), mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1));
            return new Result(null, null, problems);
        } catch (YAMLException e) {
            problems.add(ValidationProblem.at(ErrorCode.YAML_INVALID, "", "not valid YAML: " + explain(e)));
            return new Result(null, null, problems);
        }
        if (root == null) {
            problems.add(ValidationProblem.at(ErrorCode.YAML_SCHEMA, "",
                    "the document is empty; a pipeline has apiVersion, kind, metadata and spec"));
            return new Result(null, null, problems);
        }
        GlipDocument document = document(root);
        // A wrong or missing apiVersion/kind explains the rest: report it first (the sort is stable).
        problems.sort(Comparator.comparing(p -> p.code() != ErrorCode.YAML_VERSION));
        return new Result(document, root, problems);
    }

    /** The loader's limit messages, said in the document's terms. */
    private static String explain(YAMLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("aliases")) {
            return "more than " + MAX_ALIASES + " aliases (*name) of lists or mappings; the limit guards against "
                    + "alias expansion (\"billion laughs\") (" + message + ")";
        }
        if (message.contains("Nesting Depth")) {
            return "lists and mappings nested more than " + MAX_NESTING_DEPTH + " deep (" + message + ")";
        }
        return message;
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setAllowRecursiveKeys(false);
        options.setMergeOnCompose(true);
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
    }

    // ------------------------------------------------------------------------------------------------ document

    private GlipDocument document(Node root) {
        MappingNode top = mapping(root, "");
        if (top == null) {
            return null;
        }
        Map<String, Node> f = fields(top, "", TOP_FIELDS);
        boolean foreign = checkVersion(top, f, "apiVersion", API_VERSION) | checkVersion(top, f, "kind", KIND);
        if (foreign) {
            // Another kind of document (or another GLIP version): reading it as GLIP v1 would only add noise.
            problems.removeIf(p -> p.code() != ErrorCode.YAML_VERSION);
            return null;
        }
        Metadata metadata = metadata(required(top, f, "metadata", ""), "metadata");
        MappingNode specNode = mapping(required(top, f, "spec", ""), "spec");
        Map<String, Node> spec = specNode == null ? Map.of() : fields(specNode, "spec", SPEC_FIELDS);
        List<ParameterSpec> parameters = parameters(spec.get("parameters"), "spec.parameters");
        Defaults defaults = defaults(spec.get("defaults"), "spec.defaults");
        List<StepSpec> steps = specNode == null ? List.of()
                : steps(required(specNode, spec, "steps", "spec"), "spec.steps");
        List<Located> outputs = outputs(spec.get("outputs"), "spec.outputs");
        return new GlipDocument(metadata, parameters, defaults, steps, outputs);
    }

    /** Reports a missing or different apiVersion / kind; true when it is present and different. */
    private boolean checkVersion(MappingNode top, Map<String, Node> f, String field, String expected) {
        Node node = f.get(field);
        if (absent(node)) {
            add(ErrorCode.YAML_VERSION, field, top, field + " is missing; write " + field + ": " + expected);
            return false;
        }
        String value = node instanceof ScalarNode s ? s.getValue() : null;
        if (!expected.equals(value)) {
            add(ErrorCode.YAML_VERSION, field, node, (value == null ? describe(node) : "'" + value + "'")
                    + " is not supported; this platform reads " + field + ": " + expected);
            return true;
        }
        return false;
    }

    private Metadata metadata(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return new Metadata(null, null, null, Map.of(), null);
        }
        Map<String, Node> f = fields(map, path, METADATA_FIELDS);
        String name = name(required(map, f, "name", path), path + ".name", NAME, "pipeline name");
        String namespace = name(f.get("namespace"), path + ".namespace", NAME, "namespace");
        String tenant = limited(string(f.get("tenant"), path + ".tenant"), path + ".tenant", f.get("tenant"), 253);
        Located tenantAt = tenant == null ? null : new Located(tenant, source(path + ".tenant", f.get("tenant")));
        Map<String, String> labels = labels(f.get("labels"), path + ".labels");
        String description = limited(string(f.get("description"), path + ".description"), path + ".description",
                f.get("description"), MAX_TEXT_LENGTH);
        return new Metadata(name, namespace, tenantAt, labels, description);
    }

    private Map<String, String> labels(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return Map.of();
        }
        if (map.getValue().size() > MAX_LABELS) {
            add(ErrorCode.YAML_SCHEMA, path, node, map.getValue().size() + " labels; the limit is " + MAX_LABELS);
            return Map.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        fields(map, path, null).forEach((key, valueNode) -> {
            String at = join(path, key);
            if (!LABEL_KEY.matcher(key).matches()) {
                add(ErrorCode.YAML_SCHEMA, at, valueNode, "label key '" + key + "' is not a Kubernetes label key "
                        + "([prefix/]name, name up to 63 letters, digits, '-', '_', '.')");
            }
            String value = scalarText(valueNode, at);
            if (value != null && (value.length() > MAX_NAME_LENGTH || !LABEL_VALUE.matcher(value).matches())) {
                add(ErrorCode.YAML_SCHEMA, at, valueNode, "label value '" + value + "' is not a Kubernetes label "
                        + "value (up to 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)");
            } else if (value != null) {
                labels.put(key, value);
            }
        });
        return labels;
    }

    // ---------------------------------------------------------------------------------------------- parameters

    private List<ParameterSpec> parameters(Node node, String path) {
        SequenceNode seq = sequence(node, path);
        if (seq == null) {
            return List.of();
        }
        if (seq.getValue().size() > MAX_PARAMETERS) {
            add(ErrorCode.YAML_SCHEMA, path, node, seq.getValue().size() + " parameters; the limit is "
                    + MAX_PARAMETERS);
            return List.of();
        }
        List<ParameterSpec> parameters = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            String at = path + "[" + i + "]";
            ParameterSpec p = parameter(seq.getValue().get(i), at);
            if (p == null) {
                continue;
            }
            String first = seen.putIfAbsent(p.name(), at);
            if (first != null) {
                add(ErrorCode.YAML_SCHEMA, at + ".name", seq.getValue().get(i),
                        "duplicate parameter name '" + p.name() + "' (first declared at " + first + ")");
            } else {
                parameters.add(p);
            }
        }
        return parameters;
    }

    /** One parameter, or null when its name or type cannot be read. */
    private ParameterSpec parameter(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return null;
        }
        Map<String, Node> f = fields(map, path, PARAMETER_FIELDS);
        String name = name(required(map, f, "name", path), path + ".name", PARAMETER_NAME, "parameter name");
        String typeName = string(required(map, f, "type", path), path + ".type");
        ParameterType type = typeName == null ? null : ParameterType.fromYaml(typeName).orElse(null);
        if (typeName != null && type == null) {
            add(ErrorCode.YAML_SCHEMA, path + ".type", f.get("type"),
                    "unknown parameter type '" + typeName + "'; use one of " + ParameterType.names());
        }
        limited(string(f.get("description"), path + ".description"), path + ".description", f.get("description"),
                MAX_TEXT_LENGTH);
        Boolean requiredFlag = bool(f.get("required"), path + ".required");
        if (name == null || type == null) {
            return null;
        }
        List<String> values = List.of();
        if (type == ParameterType.ENUM) {
            values = enumValues(required(map, f, "values", path), path + ".values");
        } else if (!absent(f.get("values"))) {
            add(ErrorCode.YAML_SCHEMA, path + ".values", f.get("values"),
                    "values apply only to parameters of type enum, not " + type.yamlName());
        }
        BigDecimal min = bound(f.get("min"), path + ".min", type);
        BigDecimal max = bound(f.get("max"), path + ".max", type);
        if (min != null && max != null && min.compareTo(max) > 0) {
            add(ErrorCode.YAML_SCHEMA, path + ".min", f.get("min"), "min " + min.toPlainString()
                    + " is greater than max " + max.toPlainString());
        }
        ParameterSpec parameter = new ParameterSpec(name, type, Boolean.TRUE.equals(requiredFlag), null, min, max,
                values, source(path, node));
        Object defaultValue = defaultValue(f.get("default"), path + ".default", parameter);
        return new ParameterSpec(name, type, parameter.required(), defaultValue, min, max, values, parameter.source());
    }

    private List<String> enumValues(Node node, String path) {
        SequenceNode seq = sequence(node, path);
        if (seq == null) {
            return List.of();
        }
        if (seq.getValue().isEmpty()) {
            add(ErrorCode.YAML_SCHEMA, path, node, "an enum parameter needs at least one value");
        }
        Set<String> values = new LinkedHashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String value = scalarText(item, path + "[" + i + "]");
            if (value != null && !values.add(value)) {
                add(ErrorCode.YAML_SCHEMA, path + "[" + i + "]", item, "enum value '" + value + "' is listed twice");
            }
        }
        return List.copyOf(values);
    }

    /** min or max: integers for integer parameters, numbers for number parameters, nothing for other types. */
    private BigDecimal bound(Node node, String path, ParameterType type) {
        if (absent(node)) {
            return null;
        }
        if (!type.isNumeric()) {
            add(ErrorCode.YAML_SCHEMA, path, node, "min and max apply only to number and integer parameters, not "
                    + type.yamlName());
            return null;
        }
        Object value = numeric(node, path, type, ErrorCode.YAML_SCHEMA);
        return value == null ? null : Parameters.decimal(value);
    }

    private Object defaultValue(Node node, String path, ParameterSpec parameter) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        Object value = switch (parameter.type()) {
            case STRING, ENUM -> scalarText(node, path);
            case INTEGER, NUMBER -> numeric(node, path, parameter.type(), ErrorCode.PARAM_TYPE);
            case BOOLEAN -> {
                if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
                    yield yamlBoolean(s.getValue());
                }
                add(ErrorCode.PARAM_TYPE, path, node, "the default of boolean parameter '" + parameter.name()
                        + "' must be true or false, not " + describe(node));
                yield null;
            }
        };
        if (value == null) {
            return null;
        }
        Parameters.Conversion checked = Parameters.check(parameter, value);
        if (checked.failed()) {
            add(checked.code(), path, node, "default: " + checked.message());
            return null;
        }
        return value;
    }

    /** A Long (integer) or Double (number) from an int or float scalar; reports {@code code} otherwise. */
    private Object numeric(Node node, String path, ParameterType type, ErrorCode code) {
        Tag tag = node instanceof ScalarNode s ? s.getTag() : null;
        String text = node instanceof ScalarNode s ? s.getValue().replace("_", "") : null;
        if (Tag.INT.equals(tag) && DECIMAL_INTEGER.matcher(s(node).getValue()).matches()) {
            BigInteger big = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
            if (type == ParameterType.NUMBER) {
                return big.doubleValue();
            }
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            add(ErrorCode.PARAM_RANGE, path, node, text + " does not fit in a 64-bit integer");
            return null;
        }
        if (type == ParameterType.NUMBER && Tag.FLOAT.equals(tag)) {
            double d = parseDouble(text);
            if (Double.isFinite(d)) {
                return d;
            }
        }
        add(code, path, node, "expected " + (type == ParameterType.INTEGER ? "an integer" : "a finite number")
                + " written in decimal, found " + describe(node));
        return null;
    }

    // ---------------------------------------------------------------------------------------------- defaults

    private Defaults defaults(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return Defaults.NONE;
        }
        Map<String, Node> f = fields(map, path, DEFAULTS_FIELDS);
        Integer timeout = integer(f.get("timeout_seconds"), path + ".timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        Integer retries = integer(f.get("retries"), path + ".retries", 0, MAX_RETRIES);
        String[] resources = resources(f.get("resources"), path + ".resources");
        return new Defaults(timeout, retries, resources[0], resources[1]);
    }

    /** {cpu, memory}, either null when not written or invalid. */
    private String[] resources(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return new String[2];
        }
        Map<String, Node> f = fields(map, path, RESOURCES_FIELDS);
        return new String[] {quantity(f.get("cpu"), path + ".cpu", CPU), quantity(f.get("memory"), path + ".memory",
                MEMORY)};
    }

    private String quantity(Node node, String path, ConfigDef.Validator validator) {
        String text = scalarText(node, path);
        if (text == null) {
            return null;
        }
        try {
            validator.ensureValid(path, text);
            return text;
        } catch (ConfigException e) {
            add(ErrorCode.YAML_SCHEMA, path, node, "'" + text + "' is not " + validator);
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------------- steps

    private List<StepSpec> steps(Node node, String path) {
        SequenceNode seq = sequence(node, path);
        if (seq == null) {
            return List.of();
        }
        int count = seq.getValue().size();
        if (count == 0) {
            add(ErrorCode.YAML_SCHEMA, path, node, "a pipeline needs at least one step");
        }
        if (count > MAX_STEPS) {
            add(ErrorCode.YAML_SCHEMA, path, node, count + " steps; the limit is " + MAX_STEPS
                    + " steps per pipeline");
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>(count);
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String at = path + "[" + i + "]";
            StepSpec step = step(seq.getValue().get(i), at, i);
            if (step == null) {
                continue;
            }
            if (step.name() != null) {
                String first = seen.putIfAbsent(step.name(), at);
                if (first != null) {
                    add(ErrorCode.YAML_SCHEMA, at + ".name", seq.getValue().get(i),
                            "duplicate step name '" + step.name() + "' (first declared at " + first + ")");
                    continue;
                }
            }
            steps.add(step);
        }
        return steps;
    }

    private StepSpec step(Node node, String path, int index) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return null;
        }
        Map<String, Node> f = fields(map, path, STEP_FIELDS);
        String name = name(required(map, f, "name", path), path + ".name", NAME, "step name");
        String agent = name(required(map, f, "agent", path), path + ".agent", AGENT, "agent id");
        String image = limited(string(f.get("image"), path + ".image"), path + ".image", f.get("image"), 512);
        List<Located> command = texts(f.get("command"), path + ".command", MAX_COMMAND_ARGS, false);
        List<Located> dependsOn = texts(f.get("depends_on"), path + ".depends_on", MAX_DEPENDS_ON, true);
        Map<String, Located> inputs = inputs(f.get("inputs"), path + ".inputs");
        Integer timeout = integer(f.get("timeout_seconds"), path + ".timeout_seconds", 1, MAX_TIMEOUT_SECONDS);
        Integer retries = integer(f.get("retries"), path + ".retries", 0, MAX_RETRIES);
        String[] resources = resources(f.get("resources"), path + ".resources");
        String when = limited(string(f.get("when"), path + ".when"), path + ".when", f.get("when"), MAX_WHEN_LENGTH);
        if (when != null && when.isBlank()) {
            add(ErrorCode.YAML_SCHEMA, path + ".when", f.get("when"), "when is blank; remove it or write a condition");
            when = null;
        }
        return new StepSpec(index, name, agent, image, command, dependsOn, inputs, timeout, retries, resources[0],
                resources[1], when, source(path, node));
    }

    /** A list of scalars (command arguments) or of strings (depends_on, unique). */
    private List<Located> texts(Node node, String path, int limit, boolean uniqueStrings) {
        SequenceNode seq = sequence(node, path);
        if (seq == null) {
            return List.of();
        }
        if (seq.getValue().size() > limit) {
            add(ErrorCode.YAML_SCHEMA, path, node, seq.getValue().size() + " entries; the limit is " + limit);
            return List.of();
        }
        List<Located> texts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String at = path + "[" + i + "]";
            String value = uniqueStrings ? string(item, at) : scalarText(item, at);
            value = limited(value, at, item, MAX_VALUE_LENGTH);
            if (value == null) {
                continue;
            }
            if (uniqueStrings && !seen.add(value)) {
                add(ErrorCode.YAML_SCHEMA, at, item, "'" + value + "' is listed twice");
                continue;
            }
            texts.add(new Located(value, source(at, item)));
        }
        return texts;
    }

    private Map<String, Located> inputs(Node node, String path) {
        MappingNode map = mapping(node, path);
        if (map == null) {
            return Map.of();
        }
        if (map.getValue().size() > MAX_INPUTS) {
            add(ErrorCode.YAML_SCHEMA, path, node, map.getValue().size() + " inputs; the limit is " + MAX_INPUTS);
            return Map.of();
        }
        Map<String, Located> inputs = new LinkedHashMap<>();
        fields(map, path, null).forEach((key, valueNode) -> {
            String at = join(path, key);
            if (key.length() > MAX_NAME_LENGTH || !INPUT_NAME.matcher(key).matches()) {
                add(ErrorCode.YAML_SCHEMA, at, valueNode, "input name '" + key + "' must be a letter or '_' followed "
                        + "by letters, digits, '_' or '-', at most " + MAX_NAME_LENGTH + " characters");
                return;
            }
            if (valueNode instanceof MappingNode || valueNode instanceof SequenceNode) {
                add(ErrorCode.YAML_SCHEMA, at, valueNode, "expected a scalar (string, number or boolean), found "
                        + describe(valueNode) + "; input values are strings (write structured data as a JSON string)");
                return;
            }
            String value = limited(scalarText(valueNode, at), at, valueNode, MAX_VALUE_LENGTH);
            if (value != null) {
                inputs.put(key, new Located(value, source(at, valueNode)));
            }
        });
        return inputs;
    }

    private List<Located> outputs(Node node, String path) {
        if (absent(node)) {
            return null;
        }
        return texts(node, path, MAX_STEPS, true);
    }

    // ---------------------------------------------------------------------------------------- node accessors

    /**
     * The fields of a mapping by key, reporting non-string keys, duplicate keys (GL-E-YAML-INVALID: YAML requires
     * unique keys) and, when {@code allowed} is not null, unknown fields.
     */
    private Map<String, Node> fields(MappingNode map, String path, Set<String> allowed) {
        Map<String, Node> fields = new LinkedHashMap<>();
        Map<String, Node> keys = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode k) || Tag.NULL.equals(k.getTag()) || !standardTag(keyNode, path)) {
                add(ErrorCode.YAML_SCHEMA, path, keyNode, "keys must be plain strings, found " + describe(keyNode));
                continue;
            }
            String key = k.getValue();
            Node first = keys.putIfAbsent(key, keyNode);
            if (first != null) {
                add(ErrorCode.YAML_INVALID, join(path, key), keyNode, "duplicate key '" + key
                        + "' (first written at line " + (first.getStartMark().getLine() + 1) + ")");
                continue;
            }
            if (allowed != null && !allowed.contains(key)) {
                add(ErrorCode.YAML_SCHEMA, join(path, key), keyNode, "unknown field '" + key + "'" + hint(path, key,
                        allowed));
                continue;
            }
            fields.put(key, tuple.getValueNode());
        }
        return fields;
    }

    /** The value of a required field; reports it missing (at the parent mapping) when absent. */
    private Node required(Node parent, Map<String, Node> fields, String field, String path) {
        Node node = fields.get(field);
        if (absent(node)) {
            add(ErrorCode.YAML_SCHEMA, join(path, field), parent, "missing required field '" + field + "'");
            return null;
        }
        return node;
    }

    private MappingNode mapping(Node node, String path) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof MappingNode map) {
            return map;
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "expected a mapping (key: value), found " + describe(node));
        return null;
    }

    private SequenceNode sequence(Node node, String path) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof SequenceNode seq) {
            return seq;
        }
        String example = node instanceof ScalarNode s ? " (write [" + s.getValue() + "])" : "";
        add(ErrorCode.YAML_SCHEMA, path, node, "expected a list, found " + describe(node) + example);
        return null;
    }

    /** A string scalar; numbers, booleans and collections are wrong types here (quote them). */
    private String string(Node node, String path) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
            return s.getValue();
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "expected a string, found " + describe(node)
                + (node instanceof ScalarNode ? " (quote it)" : ""));
        return null;
    }

    /** Any non-null scalar (string, number, boolean, date) as written. */
    private String scalarText(Node node, String path) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "expected a scalar (string, number or boolean), found "
                + describe(node));
        return null;
    }

    private Integer integer(Node node, String path, int min, int max) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())
                && DECIMAL_INTEGER.matcher(s.getValue()).matches()) {
            BigInteger value = new BigInteger(s.getValue().replace("_", "").replace("+", ""));
            if (value.compareTo(BigInteger.valueOf(min)) >= 0 && value.compareTo(BigInteger.valueOf(max)) <= 0) {
                return value.intValue();
            }
            add(ErrorCode.YAML_SCHEMA, path, node, value + " is outside the allowed range " + min + ".." + max);
            return null;
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "expected an integer written in decimal, found " + describe(node));
        return null;
    }

    private Boolean bool(Node node, String path) {
        if (absent(node) || !standardTag(node, path)) {
            return null;
        }
        if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
            return yamlBoolean(s.getValue());
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "expected true or false, found " + describe(node));
        return null;
    }

    /** A name matching {@code pattern}, at most {@link #MAX_NAME_LENGTH} characters. */
    private String name(Node node, String path, Pattern pattern, String what) {
        String value = string(node, path);
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_NAME_LENGTH) {
            add(ErrorCode.YAML_SCHEMA, path, node, what + " '" + value.substring(0, 20) + "...' has " + value.length()
                    + " characters; the limit is " + MAX_NAME_LENGTH);
            return null;
        }
        if (!pattern.matcher(value).matches()) {
            add(ErrorCode.YAML_SCHEMA, path, node, what + " '" + value + "' is not valid; it must match "
                    + pattern.pattern());
            return null;
        }
        return value;
    }

    private String limited(String value, String path, Node node, int limit) {
        if (value != null && value.length() > limit) {
            add(ErrorCode.YAML_SCHEMA, path, node, "the value has " + value.length() + " characters; the limit is "
                    + limit);
            return null;
        }
        return value;
    }

    private boolean standardTag(Node node, String path) {
        if (STANDARD_TAGS.contains(node.getTag())) {
            return true;
        }
        add(ErrorCode.YAML_SCHEMA, path, node, "YAML tag '" + node.getTag().getValue() + "' is not allowed in a "
                + "pipeline (only plain strings, numbers, booleans, lists and mappings)");
        return false;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private void add(ErrorCode code, String path, Node node, String message) {
        problems.add(source(path, node).problem(code, message));
    }

    static Source source(String path, Node node) {
        if (node == null) {
            return new Source(path, 0, 0);
        }
        Mark mark = node.getStartMark();
        return new Source(path, mark.getLine() + 1, mark.getColumn() + 1);
    }

    static boolean absent(Node node) {
        return node == null || node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static ScalarNode s(Node node) {
        return (ScalarNode) node;
    }

    /** YAML 1.1 booleans as SnakeYAML resolves them: true/yes/on and false/no/off in any of three cases. */
    static boolean yamlBoolean(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            default -> false;
        };
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            // .inf, .nan and sexagesimal floats: not accepted here.
            return Double.NaN;
        }
    }

    /** {@code a.b}, or {@code a["x/y"]} when the key is not an identifier. */
    static String join(String path, String key) {
        if (IDENTIFIER.matcher(key).matches()) {
            return path.isEmpty() ? key : path + "." + key;
        }
        return path + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        String value = s.getValue().length() > 40 ? s.getValue().substring(0, 37) + "..." : s.getValue();
        Tag tag = s.getTag();
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            return "the number " + value;
        }
        if (Tag.BOOL.equals(tag)) {
            return "the boolean " + value;
        }
        if (Tag.NULL.equals(tag)) {
            return "nothing (null)";
        }
        if (Tag.TIMESTAMP.equals(tag)) {
            return "the date " + value;
        }
        return "the string '" + value + "'";
    }

    /** "did you mean ...?" for a misspelt or misplaced field. */
    private static String hint(String path, String key, Set<String> allowed) {
        if (path.isEmpty() && SPEC_FIELDS.contains(key)) {
            return "; " + key + " belongs under spec (spec." + key + ")";
        }
        String normalized = key.toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "");
        for (String candidate : normalized.length() < 3 ? Set.<String>of() : allowed) {
            String c = candidate.toLowerCase(java.util.Locale.ROOT).replace("_", "");
            if (c.equals(normalized) || c.startsWith(normalized) || normalized.startsWith(c)
                    || normalized.length() > 4 && editDistance(c, normalized) <= 2) {
                return "; did you mean '" + candidate + "'?";
            }
        }
        return "; allowed fields: " + String.join(", ", allowed);
    }

    private static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> fields(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }
}
