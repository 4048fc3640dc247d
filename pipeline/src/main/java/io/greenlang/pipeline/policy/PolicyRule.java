package io.greenlang.pipeline.policy;

import java.util.Objects;
import java.util.Set;

/**
 * One rule of a {@link PolicyRuleSet}, as written in the rules file (the runbook's format):
 * <pre>{@code
 * - name: require_approval_for_production
 *   condition: namespace == 'production'
 *   action: require_approval
 *   approval_type: manager
 *   message: Production runs need a manager's approval   # optional
 *   applies_to: pre_run                                   # optional: pre_run (default), pre_step, or a list
 * }</pre>
 * Its condition has been compiled when the rule set was loaded; a rule never exists with a condition that does
 * not compile.
 *
 * @param name         unique within its rule set; reported in {@link PolicyResult#rulesFired()}
 * @param action       what the rule decides when its condition holds
 * @param condition    the CEL condition as written
 * @param appliesTo    the stages the rule is evaluated at (never empty)
 * @param approvalType the {@code approval_type} of a {@code require_approval} rule, otherwise {@code null}
 * @param message      the rule's {@code message}, or {@code null} when it has none
 * @param line         1-based line of the rule in its file, 0 when unknown
 */
public record PolicyRule(String name, PolicyVerdict action, String condition, Set<PolicyStage> appliesTo,
                         String approvalType, String message, int line) {

    /** Name, action, condition and a non-empty {@code appliesTo} are required. */
    public PolicyRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(condition, "condition");
        appliesTo = Set.copyOf(appliesTo);
        if (appliesTo.isEmpty()) {
            throw new IllegalArgumentException("rule '" + name + "' applies to no stage");
        }
    }

    /** Whether the rule is evaluated at {@code stage}. */
    public boolean appliesTo(PolicyStage stage) {
        return appliesTo.contains(stage);
    }

    /** The rule's message, or a sentence saying what it decided when it has none. */
    public String describeDecision() {
        if (message != null) {
            return message;
        }
        return switch (action) {
            case ALLOW -> "allowed by rule '" + name + "'";
            case DENY -> "denied by rule '" + name + "'";
            case REQUIRE_APPROVAL -> "approval required by rule '" + name + "'";
            case WARN -> "warning from rule '" + name + "'";
        };
    }
}
