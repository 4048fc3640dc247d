package io.greenlang.pipeline.policy;

import java.util.List;
import java.util.Objects;

import io.greenlang.common.config.PolicyAction;

/**
 * The YAML rules and OPA together (GL_YAML_RULES_ENABLED and GL_OPA_ENABLED): both are asked for every decision
 * and their votes combined - deny wins, then require-approval, then warn, then allow; rules fired are merged
 * (OPA's decision appears as {@code opa:<decision path>}); the source names who decided ({@code yaml}, {@code opa}
 * or {@code yaml+opa}) and a denial carries GL-E-YAML-POLICY when a YAML rule denied, else GL-E-OPA-DENY. An
 * explicit allow from either counts as a decision, so GL_POLICY_DEFAULT_ACTION only decides when neither decided.
 *
 * <p>Thread-safe; never throws for a failing rule or an unavailable OPA (see the two engines).
 */
public final class CombinedPolicyEngine implements PolicyEngine {

    private final YamlPolicyEngine yaml;
    private final OpaPolicyEngine opa;
    private final PolicyAction defaultAction;

    /**
     * @param yaml          the rules engine
     * @param opa           the OPA engine
     * @param defaultAction GL_POLICY_DEFAULT_ACTION, when neither decided
     */
    public CombinedPolicyEngine(YamlPolicyEngine yaml, OpaPolicyEngine opa, PolicyAction defaultAction) {
        this.yaml = Objects.requireNonNull(yaml, "yaml");
        this.opa = Objects.requireNonNull(opa, "opa");
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
    }

    @Override
    public PolicyResult evaluate(PolicyContext context) {
        return Decisions.combine(context, List.of(yaml.vote(context), opa.vote(context)), defaultAction);
    }
}
