package io.greenlang.pipeline.policy;

import java.util.Map;

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

/**
 * The CEL environment of policy conditions (Google's cel-java): the variables of {@link PolicyVariables} with
 * their types, the standard macros ({@code has}, {@code all}, {@code exists}, ...), the strings and optional
 * extensions, and a boolean result type, so that a condition that does not parse, names an unknown variable or
 * does not yield a bool is rejected when the rules are loaded, not when a run arrives.
 *
 * <p>Options, decided once:
 * <ul>
 *   <li>Reserved identifiers are allowed: CEL reserves {@code namespace}, which the runbook's
 *       {@code namespace == 'production'} uses as a variable.</li>
 *   <li>Numbers of different types compare ({@code params.ratio > 1} with a double parameter), as in the CEL
 *       specification's heterogeneous comparisons.</li>
 *   <li>A comprehension may run at most {@value #MAX_ITERATIONS} iterations, and a condition may be at most
 *       {@value #MAX_CONDITION_LENGTH} characters, so that no rule can make an evaluation expensive.</li>
 * </ul>
 *
 * <p>The compiler and runtime are immutable and thread-safe; so are the programs they produce.
 */
final class CelConditions {

    /** Longest condition accepted, in characters. */
    static final int MAX_CONDITION_LENGTH = 4096;
    /** Most iterations of one comprehension ({@code all}, {@code exists}, ...). */
    static final int MAX_ITERATIONS = 10_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableReservedIds(false)
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .maxExpressionCodePointSize(MAX_CONDITION_LENGTH)
            .build();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(CelExtensions.strings(), CelExtensions.optional())
            .addVar(PolicyVariables.STAGE, SimpleType.STRING)
            .addVar(PolicyVariables.NAMESPACE, SimpleType.STRING)
            .addVar(PolicyVariables.TENANT, SimpleType.STRING)
            .addVar(PolicyVariables.PIPELINE, SimpleType.STRING)
            .addVar(PolicyVariables.LABELS, MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar(PolicyVariables.PARAMS, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar(PolicyVariables.STEP, SimpleType.STRING)
            .addVar(PolicyVariables.AGENT, SimpleType.STRING)
            .addVar(PolicyVariables.RESOURCES, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings(), CelExtensions.optional())
            .build();

    private CelConditions() {
    }

    /** A compiled condition: evaluate it with {@link #test(Map)}. Immutable and thread-safe. */
    static final class Condition {
        private final String source;
        private final CelRuntime.Program program;

        private Condition(String source, CelRuntime.Program program) {
            this.source = source;
            this.program = program;
        }

        /** The condition as written. */
        String source() {
            return source;
        }

        /**
         * Whether the condition holds for these variables.
         *
         * @throws ConditionException when it cannot be evaluated (a missing map key, a type mismatch at run time,
         *                            a division by zero...)
         */
        boolean test(Map<String, Object> variables) {
            Object result;
            try {
                result = program.eval(variables);
            } catch (CelEvaluationException e) {
                throw new ConditionException(e.getMessage().replace("<input>", "condition"), e);
            } catch (RuntimeException e) {
                // The interpreter reports most failures as CelEvaluationException, but an unexpected value type
                // can surface as a runtime exception; a policy decision must still be reached, so it is a
                // failed evaluation like any other (strict mode then denies).
                throw new ConditionException(e.toString(), e);
            }
            if (result instanceof Boolean b) {
                return b;
            }
            throw new ConditionException("condition evaluated to " + result + ", not a bool", null);
        }
    }

    /** A condition failed to evaluate; the message is CEL's. */
    static final class ConditionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConditionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The outcome of compiling: either a condition or CEL's error text. */
    record Compiled(Condition condition, String error) {
    }

    /** Parses and type-checks {@code source}; never throws for a bad expression. */
    static Compiled compile(String source) {
        if (source.length() > MAX_CONDITION_LENGTH) {
            return new Compiled(null, "condition is " + source.length() + " characters long; at most "
                    + MAX_CONDITION_LENGTH + " are allowed");
        }
        CelValidationResult result = COMPILER.compile(source);
        if (result.hasError()) {
            return new Compiled(null, result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Compiled(new Condition(source, RUNTIME.createProgram(ast)), null);
        } catch (CelValidationException | CelEvaluationException e) {
            return new Compiled(null, e.getMessage());
        }
    }
}
