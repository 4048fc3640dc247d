package io.greenlang.common.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The value of {@code GL_POLICY_DEFAULT_ACTION}: what the policy engine decides when no rule matches. The
 * policy engine reads it; nothing else may use it to bypass a policy decision.
 */
public enum PolicyAction {
    /** Deny unless a rule allows (the runbook's and the safe default). */
    DENY,
    /** Allow unless a rule denies. */
    ALLOW;

    /** The configuration spelling, e.g. {@code deny}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] configValues() {
        return Arrays.stream(values()).map(PolicyAction::configValue).toArray(String[]::new);
    }

    static PolicyAction fromConfigValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
