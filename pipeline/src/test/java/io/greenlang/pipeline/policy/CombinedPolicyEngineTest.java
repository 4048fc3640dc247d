package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

class CombinedPolicyEngineTest {

    private static final String RULES = """
            name: r
            rules:
              - {name: allow_dev, condition: "namespace == 'dev'", action: allow}
              - {name: deny_prod, condition: "namespace == 'production'", action: deny, message: prod is frozen}
            """;

    private FakeOpa opa;

    @BeforeEach
    void startOpa() throws IOException {
        opa = new FakeOpa();
    }

    @AfterEach
    void stopOpa() {
        opa.close();
    }

    private CombinedPolicyEngine engine(PolicyAction defaultAction, boolean strict) {
        YamlPolicyEngine yaml = new YamlPolicyEngine(PolicyRuleSet.parse(RULES, "rules.yaml"), defaultAction, strict);
        OpaPolicyEngine opaEngine = new OpaPolicyEngine(
                new OpaPolicyEngine.Settings(opa.baseUrl(), Duration.ofSeconds(2), 0, Duration.ZERO),
                defaultAction, strict);
        return new CombinedPolicyEngine(yaml, opaEngine, defaultAction);
    }

    @Test
    void shouldDenyWhenOpaDeniesWhatTheRulesAllowAndMergeTheRulesFired() {
        opa.answering("{\"result\": {\"allow\": false, \"reasons\": [\"over quota\"]}}");

        PolicyResult result = engine(PolicyAction.DENY, true).evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.source()).isEqualTo("opa");
        assertThat(result.errorCode()).isEqualTo(ErrorCode.OPA_DENY);
        assertThat(result.message()).isEqualTo("over quota");
        assertThat(result.rulesFired()).containsExactly("allow_dev", "opa:/v1/data/greenlang/policies/pre_run");
    }

    @Test
    void shouldDenyWhenTheRulesDenyWhatOpaAllows() {
        PolicyResult result = engine(PolicyAction.DENY, true).evaluate(Contexts.run("production"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.source()).isEqualTo("yaml");
        assertThat(result.errorCode()).isEqualTo(ErrorCode.YAML_POLICY);
        assertThat(result.message()).isEqualTo("prod is frozen");
    }

    @Test
    void shouldNameBothSourcesWhenBothDeny() {
        opa.answering("{\"result\": false}");

        PolicyResult result = engine(PolicyAction.DENY, true).evaluate(Contexts.run("production"));

        assertThat(result.source()).isEqualTo("yaml+opa");
        assertThat(result.errorCode()).isEqualTo(ErrorCode.YAML_POLICY);
        assertThat(result.message()).contains("prod is frozen", "denied by OPA");
    }

    @Test
    void shouldCountAnOpaAllowAsADecisionSoTheDefaultDenyDoesNotApply() {
        PolicyResult result = engine(PolicyAction.DENY, true).evaluate(Contexts.run("staging"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.source()).isEqualTo("opa");
    }

    @Test
    void shouldKeepTheRulesDecisionAndNoteItWhenOpaIsDownAndNotStrict() {
        opa.answering(r -> new FakeOpa.Answer(500, "boom"));

        PolicyResult result = engine(PolicyAction.DENY, false).evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.ALLOW);
        assertThat(result.source()).isEqualTo("yaml");
        assertThat(result.message()).contains("allowed by rule 'allow_dev'", "OPA's vote ignored", "HTTP 500");
    }

    @Test
    void shouldDenyWhenOpaIsDownInStrictModeEvenIfTheRulesAllow() {
        opa.answering(r -> new FakeOpa.Answer(500, "boom"));

        PolicyResult result = engine(PolicyAction.ALLOW, true).evaluate(Contexts.run("dev"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.errorCode()).isEqualTo(ErrorCode.OPA_DENY);
        assertThat(result.source()).isEqualTo("opa");
    }

    @Test
    void shouldApplyTheDefaultActionToStepsBecauseOpaGovernsThem() {
        opa.answering(r -> new FakeOpa.Answer(500, "boom"));

        PolicyResult result = engine(PolicyAction.DENY, false)
                .evaluate(Contexts.step("dev", "s", "GL-MRV-1", "1", "1Gi"));

        assertThat(result.verdict()).isEqualTo(PolicyVerdict.DENY);
        assertThat(result.source()).isEqualTo("default");
        assertThat(result.message()).contains("no rule allowed step 's'", "OPA's vote ignored");
    }
}
