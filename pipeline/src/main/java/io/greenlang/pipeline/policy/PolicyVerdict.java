package io.greenlang.pipeline.policy;

/** What a policy decides (the runbook's rule actions). */
public enum PolicyVerdict {
    /** Proceed. */
    ALLOW,
    /** Refuse (GL-E-YAML-POLICY or GL-E-OPA-DENY). */
    DENY,
    /** Wait for an approve or reject command. */
    REQUIRE_APPROVAL,
    /** Proceed, recording a warning. */
    WARN
}
