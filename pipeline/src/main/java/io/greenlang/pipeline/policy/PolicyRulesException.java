package io.greenlang.pipeline.policy;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * A policy rules file cannot be used: it is missing or unreadable, is not YAML (GL-E-YAML-INVALID), or breaks the
 * rules format, for example an unknown action or a condition that does not compile (GL-E-YAML-SCHEMA). Carries
 * every problem found, each naming the rule, the field and the line, so that one start-up attempt shows all of
 * them. A service that gets this exception must not start: running without the configured policy would let
 * through what the policy is meant to stop.
 */
public final class PolicyRulesException extends GreenLangException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * @param code     GL-E-YAML-INVALID (not readable as YAML) or GL-E-YAML-SCHEMA (not valid rules)
     * @param source   the rules file, as it should be named to the user
     * @param problems at least one
     */
    public PolicyRulesException(ErrorCode code, String source, List<Problem> problems) {
        super(code, describe(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(String source, List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("at least one problem is required");
        }
        return "invalid policy rules " + source + " (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "; format: docs/policy.md):\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }

    /**
     * One problem of a rules file.
     *
     * @param path    where, e.g. {@code rules[2].action}; {@code ""} for the whole file
     * @param rule    the name of the rule concerned, or {@code null}
     * @param line    1-based line, 0 when unknown
     * @param column  1-based column, 0 when unknown
     * @param message what is wrong and, where it helps, what is allowed
     */
    public record Problem(String path, String rule, int line, int column, String message) {

        /** Path and message are required. */
        public Problem {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }

        /** {@code rules[2].action (rule 'deny_big', line 9, column 13): unknown action 'block'; ...}. */
        @Override
        public String toString() {
            StringBuilder where = new StringBuilder(path.isEmpty() ? "(file)" : path);
            String ruleText = rule == null ? "" : "rule '" + rule + "'";
            String lineText = line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") : "";
            String context = ruleText.isEmpty() ? lineText
                    : lineText.isEmpty() ? ruleText : ruleText + ", " + lineText;
            if (!context.isEmpty()) {
                where.append(" (").append(context).append(')');
            }
            return where + ": " + message;
        }
    }
}
