package io.greenlang.pipeline.policy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

import io.greenlang.pipeline.StepResources;

/**
 * The variables a policy sees, built once from a {@link PolicyContext}: the activation of a CEL condition and,
 * unchanged, the {@code input} document sent to OPA, so that both speak about the same names.
 *
 * <ul>
 *   <li>{@code stage}: {@code "pre_run"} or {@code "pre_step"}</li>
 *   <li>{@code namespace}, {@code tenant}, {@code pipeline} (the pipeline's name): strings</li>
 *   <li>{@code labels}: map of string to string</li>
 *   <li>{@code params}: map of string to the bound value (string, int, double, bool, list, map)</li>
 *   <li>{@code step}, {@code agent}: strings, {@code ""} before the run</li>
 *   <li>{@code resources}: map with {@code cpu}, {@code memory} (the quantities as written) and
 *       {@code cpu_millis}, {@code memory_bytes} (ints); before the run all four are empty/zero, and a
 *       numeric key is absent when its quantity does not parse</li>
 * </ul>
 *
 * <p>Pure; never throws for any well-formed context.
 */
final class PolicyVariables {

    static final String STAGE = "stage";
    static final String NAMESPACE = "namespace";
    static final String TENANT = "tenant";
    static final String PIPELINE = "pipeline";
    static final String LABELS = "labels";
    static final String PARAMS = "params";
    static final String STEP = "step";
    static final String AGENT = "agent";
    static final String RESOURCES = "resources";

    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    static final String CPU_MILLIS = "cpu_millis";
    static final String MEMORY_BYTES = "memory_bytes";

    private PolicyVariables() {
    }

    /** The configuration spelling of a stage, as in {@code applies_to}: {@code pre_run}, {@code pre_step}. */
    static String stageName(PolicyStage stage) {
        return stage.name().toLowerCase(Locale.ROOT);
    }

    /** The variables of {@code context}; an unmodifiable map in a stable order. */
    static Map<String, Object> of(PolicyContext context) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(STAGE, stageName(context.stage()));
        vars.put(NAMESPACE, context.namespace());
        vars.put(TENANT, context.tenant());
        vars.put(PIPELINE, context.pipeline());
        vars.put(LABELS, Map.copyOf(context.labels()));
        vars.put(PARAMS, normalizeMap(context.parameters()));
        vars.put(STEP, context.step() == null ? "" : context.step());
        vars.put(AGENT, context.agent() == null ? "" : context.agent());
        vars.put(RESOURCES, resources(context.resources()));
        return Collections.unmodifiableMap(vars);
    }

    private static Map<String, Object> resources(StepResources resources) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (resources == null) {
            map.put(CPU, "");
            map.put(MEMORY, "");
            map.put(CPU_MILLIS, 0L);
            map.put(MEMORY_BYTES, 0L);
            return Collections.unmodifiableMap(map);
        }
        map.put(CPU, resources.cpu());
        map.put(MEMORY, resources.memory());
        OptionalLong cpuMillis = Quantities.cpuMillis(resources.cpu());
        cpuMillis.ifPresent(v -> map.put(CPU_MILLIS, v));
        OptionalLong memoryBytes = Quantities.memoryBytes(resources.memory());
        memoryBytes.ifPresent(v -> map.put(MEMORY_BYTES, v));
        return Collections.unmodifiableMap(map);
    }

    /**
     * CEL knows int (Java long), double, bool, string, list and map: other Java numbers are widened, anything
     * else becomes its string form, and nulls are left out (so {@code has(params.x)} is false).
     */
    private static Object normalize(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < Long.SIZE ? (Object) big.longValue() : big.toString();
        }
        if (value instanceof BigDecimal dec) {
            return dec.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            return normalizeMap(map);
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (item != null) {
                    out.add(normalize(item));
                }
            }
            return List.copyOf(out);
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> normalizeMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(String.valueOf(k), normalize(v));
            }
        });
        return Collections.unmodifiableMap(out);
    }
}
