package io.greenlang.streams.orchestrator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import io.greenlang.events.run.StepStatus;

/**
 * Evaluates a step's {@code when} condition, a CEL expression, when the step's dependencies are done. The
 * expression sees:
 * <ul>
 *   <li>{@code params}: the run's bound parameters (map of string to string, int, double or bool);</li>
 *   <li>{@code labels}: the pipeline's labels (map of string to string);</li>
 *   <li>{@code tenant}, {@code namespace}, {@code pipeline}: strings;</li>
 *   <li>{@code steps}: for every SUCCEEDED step, {@code steps.<name>.outputs.<key>} (strings) and
 *       {@code steps.<name>.status}.</li>
 * </ul>
 * The result must be a bool. Compiled programs are cached by expression text (thread-safe).
 */
final class WhenConditions {

    private static final int MAX_CACHED = 1_000;
    /** Longest condition accepted, in characters (as for policy conditions). */
    static final int MAX_CONDITION_LENGTH = 4096;
    /** Most iterations of one comprehension (as for policy conditions). */
    static final int MAX_ITERATIONS = 10_000;

    // The same options as the policy engine's conditions (pipeline's CelConditions), so that one CEL dialect is
    // spoken: `namespace` (reserved in CEL) is usable as a variable, mixed numeric types compare, and
    // comprehensions and expression sizes are bounded.
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableReservedIds(false)
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(MAX_CONDITION_LENGTH)
            .build();

    private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings(), CelExtensions.optional())
            .addVar("params", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("labels", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("tenant", SimpleType.STRING)
            .addVar("namespace", SimpleType.STRING)
            .addVar("pipeline", SimpleType.STRING)
            .setResultType(SimpleType.BOOL)
            .build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings(), CelExtensions.optional())
            .build();
    private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

    /** Thrown when a condition does not compile or cannot be evaluated. */
    static final class ConditionException extends Exception {
        private static final long serialVersionUID = 1L;

        ConditionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether {@code expression} holds for {@code run}. */
    boolean evaluate(String expression, RunRecord run) throws ConditionException {
        CelRuntime.Program program = program(expression);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("params", run.parameters);
        vars.put("labels", run.labels);
        vars.put("tenant", run.tenant);
        vars.put("namespace", run.namespace == null ? "" : run.namespace);
        vars.put("pipeline", run.pipelineName);
        Map<String, Object> steps = new LinkedHashMap<>();
        for (StepRecord step : run.steps) {
            if (step.status == StepStatus.SUCCEEDED) {
                steps.put(step.name, Map.of("outputs", step.outputs, "status", step.status.name()));
            }
        }
        vars.put("steps", steps);
        Object result;
        try {
            result = program.eval(vars);
        } catch (CelEvaluationException e) {
            throw new ConditionException("condition '" + expression + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The interpreter reports most failures as CelEvaluationException, but an unexpected value type can
            // surface as a runtime exception: still the condition's failure, which fails the step, not the record.
            throw new ConditionException("condition '" + expression + "' failed: " + e, e);
        }
        if (result instanceof Boolean b) {
            return b;
        }
        throw new ConditionException("condition '" + expression + "' gave " + result + ", not a bool", null);
    }

    private CelRuntime.Program program(String expression) throws ConditionException {
        CelRuntime.Program cached = programs.get(expression);
        if (cached != null) {
            return cached;
        }
        if (expression.length() > MAX_CONDITION_LENGTH) {
            throw new ConditionException("condition is " + expression.length() + " characters long; at most "
                    + MAX_CONDITION_LENGTH + " are allowed", null);
        }
        CelValidationResult compiled = compiler.compile(expression);
        if (compiled.hasError()) {
            throw new ConditionException("condition '" + expression + "' does not compile: "
                    + compiled.getErrorString(), null);
        }
        try {
            CelAbstractSyntaxTree ast = compiled.getAst();
            CelRuntime.Program program = runtime.createProgram(ast);
            if (programs.size() < MAX_CACHED) {
                programs.put(expression, program);
            }
            return program;
        } catch (CelValidationException | CelEvaluationException e) {
            throw new ConditionException("condition '" + expression + "' does not compile: " + e.getMessage(), e);
        }
    }
}
