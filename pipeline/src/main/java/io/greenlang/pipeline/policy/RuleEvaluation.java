package io.greenlang.pipeline.policy;

import java.util.Objects;

/**
 * How one rule fared for one context: its condition held, did not hold, or could not be evaluated. What
 * {@link YamlPolicyEngine#evaluateRules(PolicyContext)} returns so that a tool ({@code gl policy test}) can show
 * why a decision was reached.
 *
 * @param rule    the rule
 * @param outcome held, not held or failed
 * @param error   CEL's message when the evaluation failed, otherwise {@code null}
 */
public record RuleEvaluation(PolicyRule rule, Outcome outcome, String error) {

    /** Rule and outcome are required; a failed evaluation has an error. */
    public RuleEvaluation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.FAILED) {
            Objects.requireNonNull(error, "error");
        }
    }

    /** What happened to the condition. */
    public enum Outcome {
        /** The condition held: the rule fired. */
        HELD,
        /** The condition was false. */
        NOT_HELD,
        /** The condition could not be evaluated (e.g. a missing map key); see GL_POLICY_STRICT_MODE. */
        FAILED
    }
}
