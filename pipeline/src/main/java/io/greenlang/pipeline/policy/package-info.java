/**
 * The policy engine: decides before a run ({@link io.greenlang.pipeline.policy.PolicyStage#PRE_RUN}) and before
 * each step ({@link io.greenlang.pipeline.policy.PolicyStage#PRE_STEP}) whether to allow, warn, require approval
 * or deny. Sources: YAML rules with CEL conditions ({@link io.greenlang.pipeline.policy.PolicyRuleSet},
 * {@link io.greenlang.pipeline.policy.YamlPolicyEngine}) and an optional OPA server
 * ({@link io.greenlang.pipeline.policy.OpaPolicyEngine}), combined by
 * {@link io.greenlang.pipeline.policy.CombinedPolicyEngine}; {@link io.greenlang.pipeline.policy.PolicyEngines}
 * builds what the configuration asks for. Rule format, variables and combination semantics: docs/policy.md.
 *
 * <p>Engines are thread-safe, never throw for a rule or an OPA call that fails (strict mode decides), and record
 * nothing: metrics and events are the caller's.
 */
package io.greenlang.pipeline.policy;
