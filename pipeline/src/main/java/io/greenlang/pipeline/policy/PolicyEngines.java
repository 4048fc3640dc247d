package io.greenlang.pipeline.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

/**
 * Builds the policy engine a service runs with, from its configuration:
 * <ul>
 *   <li>GL_YAML_RULES_ENABLED: the rules at GL_YAML_RULES_PATH ({@link YamlPolicyEngine}); a missing or invalid
 *       file fails here, at start-up, with every problem named ({@link PolicyRulesException}).</li>
 *   <li>GL_OPA_ENABLED: OPA at GL_OPA_URL ({@link OpaPolicyEngine}); with the rules as well, both are combined
 *       ({@link CombinedPolicyEngine}).</li>
 *   <li>Neither: GL_POLICY_DEFAULT_ACTION alone decides every run ({@link #defaultOnly}).</li>
 * </ul>
 * GL_POLICY_STRICT_MODE applies to both engines. This class must never fall back to a more permissive engine
 * than configured.
 */
public final class PolicyEngines {

    private static final Logger log = LoggerFactory.getLogger(PolicyEngines.class);

    private PolicyEngines() {
    }

    /**
     * The engine configured by {@code config}.
     *
     * @throws PolicyRulesException     when the YAML rules are enabled and their file is missing or invalid
     * @throws IllegalArgumentException when OPA is enabled with an unusable GL_OPA_URL
     */
    public static PolicyEngine fromConfig(GlConfig config) {
        Objects.requireNonNull(config, "config");
        PolicyAction defaultAction = config.policyDefaultAction();
        boolean strict = config.policyStrictMode();
        YamlPolicyEngine yaml = config.yamlRulesEnabled() ? yamlEngine(config, defaultAction, strict) : null;
        OpaPolicyEngine opa = config.opaEnabled()
                ? new OpaPolicyEngine(OpaPolicyEngine.Settings.fromConfig(config), defaultAction, strict) : null;
        String settings = GlConfig.POLICY_DEFAULT_ACTION + "=" + defaultAction.configValue() + ", "
                + GlConfig.POLICY_STRICT_MODE + "=" + strict;
        if (yaml != null && opa != null) {
            log.info("Policy: YAML rules {} combined with OPA at {} ({})", yaml.ruleSet(), opa.settings().url(),
                    settings);
            return new CombinedPolicyEngine(yaml, opa, defaultAction);
        }
        if (yaml != null) {
            log.info("Policy: YAML rules {} ({})", yaml.ruleSet(), settings);
            return yaml;
        }
        if (opa != null) {
            log.info("Policy: OPA at {} ({})", opa.settings().url(), settings);
            return opa;
        }
        log.warn("Policy: no YAML rules and no OPA; {} decides every run", settings);
        return defaultOnly(defaultAction);
    }

    /**
     * An engine without rules: every run gets {@code defaultAction}; steps are allowed (no pre-step policy).
     */
    public static PolicyEngine defaultOnly(PolicyAction defaultAction) {
        Objects.requireNonNull(defaultAction, "defaultAction");
        return context -> Decisions.combine(context, List.of(), defaultAction);
    }

    private static YamlPolicyEngine yamlEngine(GlConfig config, PolicyAction defaultAction, boolean strict) {
        Path path = config.yamlRulesPath();
        if (!Files.isRegularFile(path)) {
            throw new PolicyRulesException(ErrorCode.YAML_INVALID, path + " (" + GlConfig.YAML_RULES_PATH + ")",
                    List.of(new PolicyRulesException.Problem("", null, 0, 0, "file does not exist; set "
                            + GlConfig.YAML_RULES_PATH + " to the rules file, or " + GlConfig.YAML_RULES_ENABLED
                            + "=false to run without YAML rules")));
        }
        return new YamlPolicyEngine(PolicyRuleSet.load(path), defaultAction, strict);
    }
}
