package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

class YamlPolicyEngineTest {

    private static YamlPolicyEngine engine(String yaml, PolicyAction defaultAction, boolean strict) {
        return new YamlPolicyEngine(PolicyRuleSet.parse(yaml, "rules.yaml"), defaultAction, strict);
    }

    private static YamlPolicyEngine runbookEngine(PolicyAction defaultAction) {
        return new YamlPolicyEngine(PolicyRuleSet.load(PolicyRuleSetTest.resource("runbook-rules.yaml")),
                defaultAction, true);
    }

    private static YamlPolicyEngine platformEngine(PolicyAction defaultAction) {
        return new YamlPolicyEngine(PolicyRuleSet.load(PolicyRuleSetTest.resource("platform-rules.yaml")),
                defaultAction, true);
    }

    @Test
    void shouldRequireManagerApprovalForProductionWithTheRunbookRules() {
        PolicyResult result = runbookEngine(PolicyAction.DENY).evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.REQUIRE_APPROVAL);
        assertThat(result.approvalType()).isEqualTo("manager");
        assertThat(result.rulesFired()).containsExactly("require_approval_for_production");
        assertThat(result.source()).isEqualTo("yaml");
        assertThat(result.errorCode()).isNull();
        assertThat(result.message()).contains("require_approval_for_production");
    }

    @Test
    void shouldDenyARunNoRuleAllowedWhenTheDefaultActionIsDeny() {
        PolicyResult result = runbookEngine(PolicyAction.DENY).evaluate(Contexts.run("staging"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.YAML_POLICY);
        assertThat(result.rulesFired()).isEmpty();
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).isEqualTo("no rule allowed this run (GL_POLICY_DEFAULT_ACTION=deny)");
    }

    @Test
    void shouldAllowARunNoRuleMatchedWhenTheDefaultActionIsAllow() {
        PolicyResult result = runbookEngine(PolicyAction.ALLOW).evaluate(Contexts.run("staging"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.errorCode()).isNull();
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("GL_POLICY_DEFAULT_ACTION=allow");
    }

    @Test
    void shouldDenyWhenTheRuleSaysDenyWithTheRulesMessageAndCode() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - name: no_production
                    condition: namespace == 'production'
                    action: deny
                    message: Production is frozen until Monday
                """, PolicyAction.ALLOW, true);

        PolicyResult result = engine.evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.YAML_POLICY);
        assertThat(result.message()).isEqualTo("Production is frozen until Monday");
        assertThat(result.rulesFired()).containsExactly("no_production");
    }

    @Test
    void shouldLetDenyWinOverAllowAndApprovalAndListEveryRuleThatFired() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: allow_all, condition: 'true', action: allow}
                  - {name: approve_prod, condition: "namespace == 'production'", action: require_approval,
                     approval_type: manager}
                  - {name: deny_prod, condition: "namespace == 'production'", action: deny, message: no}
                  - {name: warn_never, condition: 'false', action: warn}
                """, PolicyAction.ALLOW, true);

        PolicyResult result = engine.evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.rulesFired()).containsExactly("allow_all", "approve_prod", "deny_prod");
        assertThat(result.message()).isEqualTo("no");
        assertThat(result.approvalType()).isNull();
    }

    @Test
    void shouldRankApprovalOverWarnOverAllow() {
        String rules = """
                name: r
                rules:
                  - {name: allow_all, condition: 'true', action: allow}
                  - {name: warn_dev, condition: "namespace == 'dev'", action: warn, message: dev is unstable}
                  - {name: approve_dev_big, condition: "namespace == 'dev' && params.count > 100",
                     action: require_approval, approval_type: lead}
                """;
        YamlPolicyEngine engine = engine(rules, PolicyAction.DENY, true);

        PolicyResult warn = engine.evaluate(Contexts.run("dev", Map.of(), Map.of("count", 5L)));
        PolicyResult approval = engine.evaluate(Contexts.run("dev", Map.of(), Map.of("count", 500)));
        PolicyResult allow = engine.evaluate(Contexts.run("staging", Map.of(), Map.of("count", 500)));

        assertThat(warn.verdict()).isEqualTo(PolicyVerdict.WARN);
        assertThat(warn.message()).isEqualTo("dev is unstable");
        assertThat(approval.verdict()).isEqualTo(PolicyVerdict.REQUIRE_APPROVAL);
        assertThat(approval.approvalType()).isEqualTo("lead");
        assertThat(allow.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(allow.rulesFired()).containsExactly("allow_all");
        assertThat(allow.source()).isEqualTo("yaml");
    }

    @Test
    void shouldSeeLabelsParamsTenantAndPipelineName() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - name: eu_team
                    condition: >-
                      labels.team == 'mrv' && params.region == 'eu' && params.ratio > 1
                      && params.dry_run == false && tenant == 'acme' && pipeline.startsWith('heat')
                      && stage == 'pre_run' && step == '' && agent == ''
                    action: allow
                """, PolicyAction.DENY, true);

        PolicyResult result = engine.evaluate(Contexts.run("dev", Map.of("team", "mrv"),
                Map.of("region", "eu", "ratio", 1.5, "dry_run", false)));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.rulesFired()).containsExactly("eu_team");
    }

    @Test
    void shouldDenyNamingTheRuleWhenAConditionCannotBeEvaluatedInStrictMode() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: allow_all, condition: 'true', action: allow}
                  - {name: team_rule, condition: "labels.team == 'mrv'", action: warn}
                """, PolicyAction.ALLOW, true);

        PolicyResult result = engine.evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.YAML_POLICY);
        assertThat(result.message()).contains("rule 'team_rule' could not be evaluated", "team",
                "GL_POLICY_STRICT_MODE=true");
        assertThat(result.rulesFired()).containsExactly("allow_all");
    }

    @Test
    void shouldSkipARuleThatCannotBeEvaluatedAndSaySoWhenNotStrict() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: allow_all, condition: 'true', action: allow}
                  - {name: team_rule, condition: "labels.team == 'mrv'", action: deny}
                """, PolicyAction.DENY, false);

        PolicyResult result = engine.evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.rulesFired()).containsExactly("allow_all");
        assertThat(result.message()).contains("allowed by rule 'allow_all'", "skipped rule 'team_rule'");
    }

    @Test
    void shouldFallBackToTheDefaultActionWhenTheOnlyMatchingRuleWasSkipped() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: team_rule, condition: "labels.team == 'mrv'", action: allow}
                """, PolicyAction.DENY, false);

        PolicyResult result = engine.evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("no rule allowed this run", "skipped rule 'team_rule'");
    }

    @Test
    void shouldNotFailWhenAConditionGuardsAMissingKeyWithHas() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: team_rule, condition: "has(labels.team) && labels.team == 'mrv'", action: deny}
                  - {name: opt_rule, condition: "labels.?owner.orValue('nobody') == 'nobody'", action: warn}
                """, PolicyAction.ALLOW, true);

        PolicyResult result = engine.evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.WARN);
        assertThat(result.rulesFired()).containsExactly("opt_rule");
    }

    @Test
    void shouldJudgeStepsByAgentAndMemoryInBytesWithPreStepRules() {
        YamlPolicyEngine engine = platformEngine(PolicyAction.DENY);

        PolicyResult small = engine.evaluate(Contexts.step("production", "slow_step", "GL-MRV-X-001", "2", "8Gi"));
        PolicyResult big = engine.evaluate(Contexts.step("production", "slow_step", "GL-MRV-X-001", "2", "9Gi"));
        PolicyResult otherAgent = engine.evaluate(Contexts.step("production", "s", "GL-CBAM-001", "500m", "1Gi"));

        assertThat(small.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(small.rulesFired()).containsExactly("allow_mrv_agents");
        assertThat(big.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(big.message()).isEqualTo("A step may ask for at most 8Gi of memory");
        assertThat(big.rulesFired()).containsExactly("deny_big_memory_steps", "allow_mrv_agents");
        assertThat(otherAgent.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(otherAgent.source()).isEqualTo("default");
        assertThat(otherAgent.message()).isEqualTo("no rule allowed step 's' (GL_POLICY_DEFAULT_ACTION=deny)");
    }

    @Test
    void shouldCompareCpuInMillicores() {
        YamlPolicyEngine engine = engine("""
                name: r
                rules:
                  - {name: cpu_cap, condition: "resources.cpu_millis > 4000", action: deny, applies_to: pre_step}
                """, PolicyAction.ALLOW, true);

        assertThat(engine.evaluate(Contexts.step("dev", "s", "a", "4", "1Gi")).verdict())
                .isEqualTo(PolicyVerdict.ALLOW);
        assertThat(engine.evaluate(Contexts.step("dev", "s", "a", "4500m", "1Gi")).verdict())
                .isEqualTo(PolicyVerdict.DENY);
    }

    @Test
    void shouldAllowStepsWhenThereAreNoPreStepRulesEvenWithDefaultDeny() {
        PolicyResult result = runbookEngine(PolicyAction.DENY)
                .evaluate(Contexts.step("production", "slow_step", "GL-MRV-X-001", "2", "8Gi"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("no pre_step policy");
    }

    @Test
    void shouldRequireApprovalForProductionRunsOfTheFullExampleAndWarnAboutAMissingTeamLabel() {
        YamlPolicyEngine engine = platformEngine(PolicyAction.DENY);

        PolicyResult production = engine.evaluate(Contexts.run("production", Map.of("team", "mrv"), Map.of()));
        PolicyResult unlabelled = engine.evaluate(Contexts.run("dev"));
        PolicyResult unknown = engine.evaluate(Contexts.run("sandbox", Map.of("team", "mrv"), Map.of()));

        assertThat(production.verdict()).isEqualTo(PolicyVerdict.REQUIRE_APPROVAL);
        assertThat(production.rulesFired())
                .containsExactly("allow_known_namespaces", "require_approval_for_production");
        assertThat(production.message()).isEqualTo("Production runs need a manager's approval");
        assertThat(unlabelled.verdict()).isEqualTo(PolicyVerdict.WARN);
        assertThat(unknown.verdict()).isEqualTo(PolicyVerdict.DENY);
    }

    @Test
    void shouldWarnThatOnlyDenyRulesWithDefaultDenyCanNeverAdmitAnything() {
        String denyOnly = """
                name: r
                rules:
                  - {name: no_prod, condition: "namespace == 'production'", action: deny}
                """;

        assertThat(engine(denyOnly, PolicyAction.DENY, true).warnings())
                .singleElement().asString().contains("every pre_run rule is a deny rule");
        assertThat(engine(denyOnly, PolicyAction.ALLOW, true).warnings()).isEmpty();
        assertThat(platformEngine(PolicyAction.DENY).warnings()).isEmpty();
    }

    @Test
    void shouldExplainEachRuleOfTheStage() {
        List<RuleEvaluation> evaluations = engine("""
                name: r
                rules:
                  - {name: a, condition: 'true', action: allow}
                  - {name: b, condition: 'false', action: deny}
                  - {name: c, condition: "params.missing > 1", action: deny}
                  - {name: d, condition: 'true', action: deny, applies_to: pre_step}
                """, PolicyAction.DENY, true).evaluateRules(Contexts.run("dev"));

        assertThat(evaluations).extracting(e -> e.rule().name() + "=" + e.outcome())
                .containsExactly("a=HELD", "b=NOT_HELD", "c=FAILED");
        assertThat(evaluations.get(2).error()).contains("missing");
    }

    @Test
    void shouldGiveTheSameDecisionsWhenEvaluatedFromManyThreads() throws Exception {
        YamlPolicyEngine engine = platformEngine(PolicyAction.DENY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PolicyVerdict>> verdicts = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String memory = i % 2 == 0 ? "1Gi" : "16Gi";
                verdicts.add(pool.submit(() -> engine.evaluate(
                        Contexts.step("dev", "s", "GL-MRV-1", "1", memory)).verdict()));
            }
            for (int i = 0; i < verdicts.size(); i++) {
                assertThat(verdicts.get(i).get()).isEqualTo(i % 2 == 0 ? PolicyVerdict.ALLOW : PolicyVerdict.DENY);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
