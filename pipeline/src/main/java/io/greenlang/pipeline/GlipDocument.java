package io.greenlang.pipeline;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A GLIP v1 pipeline document as read by {@link GlipParser}: what was written, with the source position of every
 * part a later check may need to point at. Fields the document leaves out are {@code null} (defaults are applied
 * when a plan is compiled, not here). Parts that could not be read are left out and reported as problems, so a
 * document with problems gives a partial model that the DAG checks can still use.
 *
 * <p>Internal to the pipeline module; the public result of compilation is {@link RunPlan}.
 *
 * @param metadata   {@code metadata}
 * @param parameters {@code spec.parameters}, in declaration order
 * @param defaults   {@code spec.defaults}, never null (its fields may be)
 * @param steps      {@code spec.steps}, in declaration order
 * @param outputs    {@code spec.outputs}, or {@code null} when the document declares none
 */
record GlipDocument(Metadata metadata, List<ParameterSpec> parameters, Defaults defaults, List<StepSpec> steps,
                    List<Located> outputs) {

    /** Where something is in the document: a path such as {@code spec.steps[3].depends_on[0]} and a position. */
    record Source(String path, int line, int column) {

        ValidationProblem problem(io.greenlang.common.error.ErrorCode code, String message) {
            return new ValidationProblem(code, path, message, line, column);
        }
    }

    /** A string value and where it was written. */
    record Located(String value, Source source) {
    }

    /** {@code metadata}; name is null when missing or invalid. */
    record Metadata(String name, String namespace, Located tenant, Map<String, String> labels, String description) {
    }

    /**
     * One {@code spec.parameters} entry.
     *
     * @param defaultValue the default converted to the parameter's type, or null
     * @param min          lower bound (number and integer), or null
     * @param max          upper bound (number and integer), or null
     * @param values       allowed values (enum), empty otherwise
     */
    record ParameterSpec(String name, ParameterType type, boolean required, Object defaultValue, BigDecimal min,
                         BigDecimal max, List<String> values, Source source) {
    }

    /** {@code spec.defaults}: any field may be null. */
    record Defaults(Integer timeoutSeconds, Integer retries, String cpu, String memory) {
        static final Defaults NONE = new Defaults(null, null, null, null);
    }

    /**
     * One {@code spec.steps} entry. {@code name} is null when missing; the other optional fields are null when
     * not written.
     *
     * @param index   position in {@code spec.steps}
     * @param command arguments, each with its source (parameter references are bound later)
     * @param inputs  input name -> value as written, in document order
     */
    record StepSpec(int index, String name, String agent, String image, List<Located> command,
                    List<Located> dependsOn, Map<String, Located> inputs, Integer timeoutSeconds, Integer retries,
                    String cpu, String memory, String when, Source source) {
    }
}
