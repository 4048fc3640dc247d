package io.greenlang.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.json.CanonicalJson;
import io.greenlang.common.json.Hashing;
import io.greenlang.pipeline.GlipDocument.Located;
import io.greenlang.pipeline.GlipDocument.ParameterSpec;
import io.greenlang.pipeline.GlipDocument.Source;
import io.greenlang.pipeline.GlipDocument.StepSpec;

/**
 * Parses, validates and compiles GLIP v1 pipeline documents (YAML or JSON) into {@link RunPlan}s; the one entry
 * point of the pipeline spec for the gateway, the orchestrator and the CLI. The document format is described in
 * {@code docs/pipeline-spec.md} and {@code glip-v1.schema.json}.
 *
 * <p>Validation reports every problem at once, each with its {@link ErrorCode}, path and source position.
 * Compilation is deterministic: the same document, parameters and tenant always give the same plan and the same
 * idempotency keys. The run key is the SHA-256 of the canonical JSON (RFC 8785) of the document's canonical form
 * (its data, so comments, formatting, key order and YAML-vs-JSON spelling do not matter), the bound parameters and
 * the tenant; a step's key is the SHA-256 of the canonical JSON of the run key and the step's name.
 *
 * <p>Defaults: a step's timeout, retries and resources come from the step, else {@code spec.defaults}, else the
 * platform configuration ({@code GL_DEFAULT_TIMEOUT_SECONDS}, {@code GL_DEFAULT_CPU_LIMIT},
 * {@code GL_DEFAULT_MEMORY_LIMIT}); retries default to {@value #DEFAULT_RETRIES}. The namespace defaults to
 * {@value #DEFAULT_NAMESPACE}. The run's tenant is the caller's; a document whose {@code metadata.tenant} names
 * another tenant is refused with GL-E-TENANT-ISOLATION.
 *
 * <p>Thread-safe; analyses of recently seen documents are cached (by the SHA-256 of their text), so compiling the
 * same document again only binds parameters. It never evaluates {@code when} conditions, never runs anything, and
 * never constructs Java objects from YAML tags.
 */
public final class PipelineCompiler {

    /** Retries of a step when neither the step nor {@code spec.defaults} sets them. */
    public static final int DEFAULT_RETRIES = 3;
    /** {@code metadata.namespace} when the document sets none. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** Classpath resource of the JSON Schema (draft 2020-12) of GLIP v1 documents. */
    public static final String SCHEMA_RESOURCE = "/glip-v1.schema.json";

    private static final int CACHE_SIZE = 256;
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?");
    private static final BigInteger MAX_SAFE_INTEGER = BigInteger.valueOf(1L << 53);

    private final int defaultTimeoutSeconds;
    private final String defaultCpu;
    private final String defaultMemory;
    private final Map<String, Analysis> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Analysis> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    /** A compiler with the platform's default configuration ({@link GlConfig#defaults()}). */
    public PipelineCompiler() {
        this(GlConfig.defaults());
    }

    /** A compiler taking step defaults (timeout, CPU, memory) from {@code config}. */
    public PipelineCompiler(GlConfig config) {
        this.defaultTimeoutSeconds = Math.toIntExact(config.defaultStepTimeout().getSeconds());
        this.defaultCpu = config.defaultCpuLimit();
        this.defaultMemory = config.defaultMemoryLimit();
    }

    /** What a document alone gives (cached): the model, the step graph, its problems and its canonical hash. */
    private record Analysis(GlipDocument document, DagAnalysis dag, List<ValidationProblem> problems,
                            String documentHash) {
    }

    /**
     * Every problem of the document with these parameters, in document order; empty when it compiles (for the
     * tenant its {@code metadata.tenant} names, if any: the tenant check is part of {@link #compile} only).
     *
     * @param parameters parameter values as text, by name; null is the same as none
     */
    public List<ValidationProblem> validate(String document, Map<String, String> parameters) {
        Objects.requireNonNull(document, "document");
        Analysis analysis = analyze(document);
        List<ValidationProblem> problems = new ArrayList<>(analysis.problems());
        if (analysis.document() != null) {
            bind(analysis, parameters == null ? Map.of() : parameters, problems);
        }
        return inReadingOrder(problems);
    }

    /**
     * The plan for one run of {@code document} with {@code parameters} for {@code tenant}.
     *
     * @throws PipelineValidationException with every problem when the document or parameters are invalid
     */
    public RunPlan compile(String document, Map<String, String> parameters, String tenant) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(tenant, "tenant");
        if (tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        Analysis analysis = analyze(document);
        List<ValidationProblem> problems = new ArrayList<>(analysis.problems());
        if (analysis.document() == null) {
            throw new PipelineValidationException(problems);
        }
        Map<String, Object> bound = bind(analysis, parameters == null ? Map.of() : parameters, problems);
        Located declaredTenant = analysis.document().metadata().tenant();
        if (declaredTenant != null && !declaredTenant.value().equals(tenant)) {
            problems.add(declaredTenant.source().problem(ErrorCode.TENANT_ISOLATION, "the pipeline belongs to tenant '"
                    + declaredTenant.value() + "' (metadata.tenant) but the run is for tenant '" + tenant + "'"));
        }
        if (!problems.isEmpty()) {
            throw new PipelineValidationException(inReadingOrder(problems));
        }
        return plan(analysis, bound, tenant);
    }

    /** The document's {@code metadata.tenant}, when it declares one and can be read. */
    public Optional<String> declaredTenant(String document) {
        GlipDocument parsed = analyze(Objects.requireNonNull(document, "document")).document();
        return parsed == null || parsed.metadata().tenant() == null ? Optional.empty()
                : Optional.of(parsed.metadata().tenant().value());
    }

    /**
     * Problems in document order (line, then column; the sort is stable, so a missing apiVersion, reported first,
     * stays before other problems at the same place); problems without a position (parameter values given by the
     * caller) come last.
     */
    private static List<ValidationProblem> inReadingOrder(List<ValidationProblem> problems) {
        List<ValidationProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((ValidationProblem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line())
                .thenComparingInt(ValidationProblem::column));
        return List.copyOf(sorted);
    }

    // ------------------------------------------------------------------------------------------------ analysis

    private Analysis analyze(String document) {
        if (document.length() > GlipParser.MAX_DOCUMENT_CHARS) {
            return analyzeUncached(document); // reports the size limit without hashing a huge text
        }
        String key = Hashing.sha256Hex(document);
        Analysis analysis = cache.get(key);
        if (analysis == null) {
            analysis = analyzeUncached(document);
            cache.put(key, analysis);
        }
        return analysis;
    }

    private static Analysis analyzeUncached(String text) {
        GlipParser.Result read = GlipParser.parse(text);
        List<ValidationProblem> problems = new ArrayList<>(read.problems());
        DagAnalysis dag = null;
        if (read.document() != null) {
            dag = DagAnalysis.of(read.document());
            problems.addAll(dag.problems());
        }
        String hash = problems.isEmpty()
                ? Hashing.sha256Hex(CanonicalJson.canonicalize(canonicalForm(read.root()))) : null;
        return new Analysis(read.document(), dag, List.copyOf(problems), hash);
    }

    /**
     * Binds the caller's values (text, converted to each parameter's type) and defaults; reports undeclared and
     * missing parameters, bad values, and references to parameters that end up without a value.
     */
    private static Map<String, Object> bind(Analysis analysis, Map<String, String> given,
                                            List<ValidationProblem> problems) {
        List<ParameterSpec> declared = analysis.document().parameters();
        Map<String, Object> bound = new LinkedHashMap<>();
        new TreeMap<>(given).keySet().stream()
                .filter(name -> declared.stream().noneMatch(p -> p.name().equals(name)))
                .forEach(name -> problems.add(ValidationProblem.at(ErrorCode.PARAM_MISSING, "params." + name,
                        "parameter '" + name + "' is given but not declared in spec.parameters")));
        for (ParameterSpec p : declared) {
            String text = given.get(p.name());
            if (text != null) {
                Parameters.Conversion value = Parameters.fromText(p, text);
                if (value.failed()) {
                    problems.add(ValidationProblem.at(value.code(), "params." + p.name(), value.message()));
                } else {
                    bound.put(p.name(), value.value());
                }
            } else if (p.defaultValue() != null) {
                bound.put(p.name(), p.defaultValue());
            } else if (p.required()) {
                problems.add(p.source().problem(ErrorCode.PARAM_MISSING, "required parameter '" + p.name()
                        + "' has no value and no default; give it a value (e.g. --param " + p.name() + "=...)"));
            }
        }
        analysis.dag().parameterUses().forEach((name, uses) -> {
            ParameterSpec p = declared.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
            if (!bound.containsKey(name) && !p.required() && !given.containsKey(name)) {
                for (Source use : uses) {
                    problems.add(use.problem(ErrorCode.PARAM_MISSING, "'${params." + name + "}' is used here but "
                            + "the optional parameter '" + name + "' has no value and no default"));
                }
            }
        });
        return bound;
    }

    // ---------------------------------------------------------------------------------------------------- plan

    private RunPlan plan(Analysis analysis, Map<String, Object> bound, String tenant) {
        GlipDocument document = analysis.document();
        DagAnalysis dag = analysis.dag();
        String runKey = runKey(analysis.documentHash(), bound, tenant);
        List<PlannedStep> steps = new ArrayList<>(document.steps().size());
        List<List<String>> levels = new ArrayList<>();
        for (List<Integer> level : dag.levels()) {
            List<String> names = new ArrayList<>(level.size());
            for (int v : level) {
                PlannedStep step = step(document, document.steps().get(v), bound, runKey);
                steps.add(step);
                names.add(step.name());
            }
            levels.add(names);
        }
        List<String> outputs = dag.outputs().stream().map(v -> document.steps().get(v).name()).toList();
        GlipDocument.Metadata metadata = document.metadata();
        return new RunPlan(metadata.name(), metadata.namespace() == null ? DEFAULT_NAMESPACE : metadata.namespace(),
                tenant, metadata.labels(), bound, steps, levels, outputs, runKey);
    }

    private PlannedStep step(GlipDocument document, StepSpec step, Map<String, Object> bound, String runKey) {
        GlipDocument.Defaults defaults = document.defaults();
        Map<String, String> inputs = new LinkedHashMap<>();
        step.inputs().forEach((name, value) -> inputs.put(name, References.bind(value.value(), bound,
                Parameters::text)));
        List<String> command = step.command().stream()
                .map(argument -> References.bind(argument.value(), bound, Parameters::text)).toList();
        int timeout = firstNonNull(step.timeoutSeconds(), defaults.timeoutSeconds(), defaultTimeoutSeconds);
        int retries = firstNonNull(step.retries(), defaults.retries(), DEFAULT_RETRIES);
        StepResources resources = new StepResources(firstNonNull(step.cpu(), defaults.cpu(), defaultCpu),
                firstNonNull(step.memory(), defaults.memory(), defaultMemory));
        List<String> dependsOn = step.dependsOn().stream().map(Located::value).toList();
        return new PlannedStep(step.name(), step.agent(), step.image(), command, dependsOn, inputs, timeout, retries,
                resources, step.when(), stepKey(runKey, step.name()));
    }

    private static <T> T firstNonNull(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }

    // ----------------------------------------------------------------------------------------------------- keys

    private static String runKey(String documentHash, Map<String, Object> bound, String tenant) {
        Map<String, String> parameters = new TreeMap<>();
        bound.forEach((name, value) -> parameters.put(name, Parameters.text(value)));
        Map<String, Object> material = Map.of("pipeline", documentHash, "parameters", parameters, "tenant", tenant);
        return Hashing.sha256Hex(CanonicalJson.canonicalize((Object) material));
    }

    private static String stepKey(String runKey, String stepName) {
        return Hashing.sha256Hex(CanonicalJson.canonicalize((Object) Map.of("run", runKey, "step", stepName)));
    }

    /**
     * The document as JSON data: mappings, lists, strings, booleans, null, and numbers where YAML resolved a
     * decimal number (integers beyond 2^53 and non-decimal spellings stay strings, which RFC 8785 requires).
     * Recursion is bounded by the loader's nesting limit.
     */
    private static JsonNode canonicalForm(Node node) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node instanceof MappingNode map) {
            ObjectNode object = json.objectNode();
            for (NodeTuple tuple : map.getValue()) {
                object.set(((ScalarNode) tuple.getKeyNode()).getValue(), canonicalForm(tuple.getValueNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode seq) {
            ArrayNode array = json.arrayNode();
            seq.getValue().forEach(item -> array.add(canonicalForm(item)));
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return json.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return json.booleanNode(GlipParser.yamlBoolean(text));
        }
        boolean number = (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) && DECIMAL.matcher(text).matches();
        if (number) {
            BigDecimal value = new BigDecimal(text.replace("_", "").replace("+", ""));
            double d = value.doubleValue();
            boolean safe = Double.isFinite(d) && (value.scale() > 0 || Tag.FLOAT.equals(tag)
                    || value.toBigInteger().abs().compareTo(MAX_SAFE_INTEGER) <= 0);
            if (safe) {
                return json.numberNode(d);
            }
        }
        return json.textNode(text);
    }
}
