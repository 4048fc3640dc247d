package io.greenlang.pipeline.policy;

import java.util.List;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * A policy decision: what the orchestrator acts on and records (gl.policy.decisions). Semantics in docs/policy.md.
 *
 * @param verdict      allow, deny, require approval or warn
 * @param rulesFired   names of the rules whose condition held (empty when the default action decided)
 * @param errorCode    GL-E-YAML-POLICY or GL-E-OPA-DENY for a denial, otherwise {@code null}
 * @param message      why, for a person (the rule's message, or what decided)
 * @param source       who decided: {@code yaml}, {@code opa}, {@code yaml+opa} (both cast the winning verdict) or
 *                     {@code default} (no rule decided: GL_POLICY_DEFAULT_ACTION, or an ungoverned pre-step)
 * @param approvalType the rule's {@code approval_type} for REQUIRE_APPROVAL, otherwise {@code null}
 */
public record PolicyResult(PolicyVerdict verdict, List<String> rulesFired, ErrorCode errorCode, String message,
                           String source, String approvalType) {

    /** Copies the rule list; verdict, message and source are required. */
    public PolicyResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(source, "source");
        rulesFired = List.copyOf(rulesFired);
    }
}
