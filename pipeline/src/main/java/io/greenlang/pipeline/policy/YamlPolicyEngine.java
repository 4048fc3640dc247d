package io.greenlang.pipeline.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

/**
 * The built-in policy engine: the rules of a {@link PolicyRuleSet} with CEL conditions, evaluated in file order
 * against the rules that apply to the context's stage.
 *
 * <p>Decision (docs/policy.md): every rule whose condition holds fires and is listed in
 * {@link PolicyResult#rulesFired()}; then any DENY wins (GL-E-YAML-POLICY, message = the rule's message), else any
 * REQUIRE_APPROVAL (approval type of the first such rule), else WARN, else ALLOW. When no rule fires,
 * GL_POLICY_DEFAULT_ACTION decides - for pre_step only if there are pre_step rules; with none, a step is allowed.
 *
 * <p>A condition that cannot be evaluated (a missing map key, a type mismatch) never makes this engine throw:
 * in strict mode (GL_POLICY_STRICT_MODE=true) the decision is DENY naming the rule and CEL's error; otherwise the
 * rule is skipped and named in the message.
 *
 * <p>Immutable and thread-safe. It has no side effects (no metrics, no I/O): callers time and record decisions.
 */
public final class YamlPolicyEngine implements PolicyEngine {

    private static final Logger log = LoggerFactory.getLogger(YamlPolicyEngine.class);
    static final String SOURCE = "yaml";

    private final PolicyRuleSet rules;
    private final PolicyAction defaultAction;
    private final boolean strictMode;
    private final List<String> warnings;

    /**
     * @param rules         the loaded rules
     * @param defaultAction GL_POLICY_DEFAULT_ACTION
     * @param strictMode    GL_POLICY_STRICT_MODE: deny when a condition cannot be evaluated
     */
    public YamlPolicyEngine(PolicyRuleSet rules, PolicyAction defaultAction, boolean strictMode) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
        this.strictMode = strictMode;
        this.warnings = List.copyOf(findWarnings(rules, defaultAction));
        warnings.forEach(w -> log.warn("Policy rules {}: {}", rules.source(), w));
    }

    /** The rules. */
    public PolicyRuleSet ruleSet() {
        return rules;
    }

    /** GL_POLICY_DEFAULT_ACTION as given. */
    public PolicyAction defaultAction() {
        return defaultAction;
    }

    /** GL_POLICY_STRICT_MODE as given. */
    public boolean strictMode() {
        return strictMode;
    }

    /**
     * Combinations of rules and default action that are legal but almost certainly not meant (logged once at
     * construction), e.g. only deny rules with GL_POLICY_DEFAULT_ACTION=deny: nothing can ever be admitted.
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public PolicyResult evaluate(PolicyContext context) {
        return Decisions.combine(context, List.of(vote(context)), defaultAction);
    }

    /** How each rule applying to the context's stage fared, in file order; never throws for a failing rule. */
    public List<RuleEvaluation> evaluateRules(PolicyContext context) {
        Map<String, Object> variables = PolicyVariables.of(context);
        List<RuleEvaluation> out = new ArrayList<>();
        for (PolicyRuleSet.CompiledRule compiled : rules.compiledRulesFor(context.stage())) {
            try {
                boolean held = compiled.condition().test(variables);
                out.add(new RuleEvaluation(compiled.rule(),
                        held ? RuleEvaluation.Outcome.HELD : RuleEvaluation.Outcome.NOT_HELD, null));
            } catch (CelConditions.ConditionException e) {
                out.add(new RuleEvaluation(compiled.rule(), RuleEvaluation.Outcome.FAILED, e.getMessage()));
            }
        }
        return out;
    }

    Vote vote(PolicyContext context) {
        List<RuleEvaluation> evaluations = evaluateRules(context);
        boolean governs = !evaluations.isEmpty();
        List<PolicyRule> fired = evaluations.stream().filter(e -> e.outcome() == RuleEvaluation.Outcome.HELD)
                .map(RuleEvaluation::rule).toList();
        List<String> firedNames = fired.stream().map(PolicyRule::name).toList();
        List<RuleEvaluation> failed = evaluations.stream()
                .filter(e -> e.outcome() == RuleEvaluation.Outcome.FAILED).toList();
        if (!failed.isEmpty() && strictMode) {
            List<String> reasons = new ArrayList<>();
            fired.stream().filter(r -> r.action() == PolicyVerdict.DENY).map(PolicyRule::describeDecision)
                    .forEach(reasons::add);
            failed.forEach(f -> reasons.add("rule '" + f.rule().name() + "' could not be evaluated: " + f.error()
                    + " (" + GlConfig.POLICY_STRICT_MODE + "=true denies)"));
            return new Vote(SOURCE, new PolicyResult(PolicyVerdict.DENY, firedNames, ErrorCode.YAML_POLICY,
                    String.join("; ", reasons), SOURCE, null), governs, List.of());
        }
        List<String> notes = failed.stream().map(f -> "skipped rule '" + f.rule().name()
                + "': could not be evaluated: " + f.error()).toList();
        if (fired.isEmpty()) {
            return new Vote(SOURCE, null, governs, notes);
        }
        PolicyVerdict verdict = fired.stream().map(PolicyRule::action)
                .max(Comparator.comparingInt(Decisions::rank)).orElseThrow();
        List<PolicyRule> deciding = fired.stream().filter(r -> r.action() == verdict).toList();
        String message = deciding.stream().map(PolicyRule::describeDecision).collect(Collectors.joining("; "));
        String approvalType = verdict == PolicyVerdict.REQUIRE_APPROVAL
                ? deciding.stream().map(PolicyRule::approvalType).filter(Objects::nonNull).findFirst().orElse(null)
                : null;
        return new Vote(SOURCE, new PolicyResult(verdict, firedNames,
                verdict == PolicyVerdict.DENY ? ErrorCode.YAML_POLICY : null, message, SOURCE, approvalType),
                governs, notes);
    }

    private static List<String> findWarnings(PolicyRuleSet rules, PolicyAction defaultAction) {
        List<String> found = new ArrayList<>();
        if (defaultAction != PolicyAction.DENY) {
            return found;
        }
        String setting = GlConfig.POLICY_DEFAULT_ACTION + "=deny";
        for (PolicyStage stage : PolicyStage.values()) {
            List<PolicyRule> stageRules = rules.rulesFor(stage);
            String name = PolicyVariables.stageName(stage);
            if (stage == PolicyStage.PRE_RUN && stageRules.isEmpty()) {
                found.add("there are no pre_run rules and " + setting + ": every run is denied (unless OPA allows)");
            } else if (!stageRules.isEmpty()
                    && stageRules.stream().allMatch(r -> r.action() == PolicyVerdict.DENY)) {
                found.add("every " + name + " rule is a deny rule and " + setting + ": every " + name
                        + " decision is deny (unless OPA allows); deny rules make sense with "
                        + GlConfig.POLICY_DEFAULT_ACTION + "=allow, allow rules with deny");
            }
        }
        return found;
    }
}
