package io.greenlang.pipeline.policy;

/**
 * Decides whether a run or a step may proceed. Implementations must be thread-safe and must not throw for a
 * rule that fails to evaluate: strict mode (GL_POLICY_STRICT_MODE) turns such a failure into a denial,
 * otherwise the rule is skipped and the failure named in the result's message.
 */
public interface PolicyEngine {

    /** The decision for {@code context}. */
    PolicyResult evaluate(PolicyContext context);
}
