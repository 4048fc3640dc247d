package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.config.GlConfig;

class PolicyEnginesTest {

    @TempDir
    Path dir;

    private static GlConfig config(Map<String, String> env) {
        return GlConfig.load(env, Optional.empty());
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void shouldBuildTheYamlEngineFromTheConfiguredRulesFile() throws Exception {
        Path rules = Files.copy(PolicyRuleSetTest.resource("runbook-rules.yaml"), dir.resolve("rules.yaml"));

        PolicyEngine engine = PolicyEngines.fromConfig(config(env(GlConfig.YAML_RULES_PATH, rules.toString(),
                GlConfig.OPA_ENABLED, "false")));

        assertThat(engine).isInstanceOf(YamlPolicyEngine.class);
        assertThat(engine.evaluate(Contexts.run("production")).verdict()).isEqualTo(PolicyVerdict.REQUIRE_APPROVAL);
    }

    @Test
    void shouldFailStartUpNamingTheSettingWhenTheRulesFileIsMissing() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> PolicyEngines.fromConfig(config(env(GlConfig.YAML_RULES_PATH, missing.toString()))))
                .isInstanceOf(PolicyRulesException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("GL_YAML_RULES_PATH")
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldFailStartUpWhenTheRulesFileIsInvalid() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "name: r\nrules:\n  - {name: a, condition: '1 +', "
                + "action: allow}\n");

        assertThatThrownBy(() -> PolicyEngines.fromConfig(config(env(GlConfig.YAML_RULES_PATH, rules.toString()))))
                .isInstanceOf(PolicyRulesException.class)
                .hasMessageContaining("rule 'a'");
    }

    @Test
    void shouldCombineTheRulesWithOpaWhenBothAreEnabled() throws Exception {
        Path rules = Files.copy(PolicyRuleSetTest.resource("runbook-rules.yaml"), dir.resolve("rules.yaml"));

        PolicyEngine engine = PolicyEngines.fromConfig(config(env(GlConfig.YAML_RULES_PATH, rules.toString(),
                GlConfig.OPA_ENABLED, "true", GlConfig.OPA_URL, "http://127.0.0.1:8181")));

        assertThat(engine).isInstanceOf(CombinedPolicyEngine.class);
    }

    @Test
    void shouldDecideEveryRunByTheDefaultActionWhenNothingIsEnabled() {
        PolicyEngine engine = PolicyEngines.fromConfig(config(env(GlConfig.YAML_RULES_ENABLED, "false",
                GlConfig.OPA_ENABLED, "false", GlConfig.POLICY_DEFAULT_ACTION, "deny")));

        PolicyResult run = engine.evaluate(Contexts.run("dev"));
        PolicyResult step = engine.evaluate(Contexts.step("dev", "s", "a", "1", "1Gi"));

        assertThat(run.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(run.source()).isEqualTo("default");
        assertThat(step.verdict()).isEqualTo(PolicyVerdict.ALLOW);
    }
}
