package io.greenlang.streams.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.greenlang.events.policy.PolicyAction;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.policy.PolicySource;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepState;
import io.greenlang.events.run.StepStatus;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.policy.PolicyRuleSet;
import io.greenlang.pipeline.policy.YamlPolicyEngine;

/**
 * The orchestrator with the production planner ({@link RunPlanner#compiling} over the real
 * {@link PipelineCompiler}) and the real YAML policy engine: pipelines go in as GLIP v1 documents.
 */
class CompiledPipelineTopologyTest {

    /** The emissions example of docs/pipeline-spec.md, trimmed to its DAG and references. */
    private static final String EMISSIONS = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: emissions-report
              namespace: reporting
            spec:
              parameters:
                - name: year
                  type: integer
                  required: true
                  min: 2000
                  max: 2100
              defaults:
                timeout_seconds: 1800
                retries: 2
              steps:
                - name: fetch
                  agent: GL-DATA-X-001
                  inputs:
                    year: ${params.year}
                - name: scope1
                  agent: GL-MRV-X-001
                  depends_on: [fetch]
                  inputs:
                    dataset: ${steps.fetch.outputs.dataset}
                - name: scope2
                  agent: GL-MRV-X-002
                  depends_on: [fetch]
                  inputs:
                    dataset: ${steps.fetch.outputs.dataset}
                - name: report
                  agent: GL-REPORT-X-001
                  depends_on: [scope1, scope2]
                  inputs:
                    scope1: ${steps.scope1.outputs.total}
                    scope2: ${steps.scope2.outputs.total}
              outputs: [report]
            """;

    /** The conditional example of docs/pipeline-spec.md. */
    private static final String MONTHLY_CLOSE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: monthly-close
              namespace: %s
              tenant: acme
            spec:
              parameters:
                - name: publish
                  type: boolean
                  default: false
              steps:
                - name: compute
                  agent: GL-MRV-X-001
                - name: publish
                  agent: GL-PUBLISH-X-001
                  depends_on: [compute]
                  when: params.publish && namespace == 'production'
            """;

    private final OrchestratorDriver t = new OrchestratorDriver();

    CompiledPipelineTopologyTest() {
        RunPlanner compiling = RunPlanner.compiling(new PipelineCompiler());
        t.planner = compiling::plan;
    }

    @AfterEach
    void close() {
        t.close();
    }

    private static StepState step(RunState state, String name) {
        return state.getSteps().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void shouldRunACompiledPipelineResolvingParametersAndUpstreamOutputs() {
        t.requestDocument("r1", "tenant-a", EMISSIONS, Map.of("year", "2025"));
        StepCommand fetch = t.starts("r1").get(0);
        assertThat(fetch.getStep()).isEqualTo("fetch");
        assertThat(fetch.getInputs()).containsEntry("year", "2025");
        assertThat(fetch.getTimeoutSeconds()).isEqualTo(1800);

        t.succeeded("r1", "fetch", 1, Map.of("dataset", "s3://data/2025.parquet"));
        assertThat(t.starts("r1")).extracting(StepCommand::getStep).containsExactly("fetch", "scope1", "scope2");
        assertThat(t.starts("r1").get(1).getInputs()).containsEntry("dataset", "s3://data/2025.parquet");
        t.succeeded("r1", "scope1", 1, Map.of("total", "120.5"));
        t.succeeded("r1", "scope2", 1, Map.of("total", "80"));
        StepCommand report = t.starts("r1").get(3);
        assertThat(report.getInputs()).containsEntry("scope1", "120.5").containsEntry("scope2", "80");
        t.succeeded("r1", "report", 1);

        RunState state = t.state("r1");
        assertThat(state.getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(state.getPipelineName()).isEqualTo("emissions-report");
        assertThat(step(state, "report").getDependsOn()).containsExactly("scope1", "scope2");
    }

    @Test
    void shouldFailARunWhoseParametersDoNotValidate() {
        t.requestDocument("r1", "tenant-a", EMISSIONS, Map.of("year", "1999"));
        RunState state = t.state("r1");
        assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
        assertThat(state.getErrorCode()).isEqualTo("GL-E-PARAM-RANGE");
        assertThat(t.starts("r1")).isEmpty();
    }

    @Test
    void shouldFailARunOfAnotherTenantsPipeline() {
        t.requestDocument("r1", "tenant-a", MONTHLY_CLOSE.formatted("production"), Map.of());
        assertThat(t.state("r1").getErrorCode()).isEqualTo("GL-E-TENANT-ISOLATION");
    }

    @Test
    void shouldEvaluateTheWhenConditionOverParametersAndNamespace() {
        t.requestDocument("skip", "acme", MONTHLY_CLOSE.formatted("production"), Map.of());
        t.completeAll("skip");
        t.requestDocument("run", "acme", MONTHLY_CLOSE.formatted("production"), Map.of("publish", "true"));
        t.completeAll("run");
        t.requestDocument("dev", "acme", MONTHLY_CLOSE.formatted("dev"), Map.of("publish", "true"));
        t.completeAll("dev");

        assertThat(step(t.state("skip"), "publish").getStatus()).isEqualTo(StepStatus.SKIPPED);
        assertThat(step(t.state("run"), "publish").getStatus()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step(t.state("dev"), "publish").getStatus()).isEqualTo(StepStatus.SKIPPED);
        assertThat(List.of(t.state("skip"), t.state("run"), t.state("dev"))).extracting(RunState::getStatus)
                .containsOnly(RunStatus.SUCCEEDED);
    }

    @Test
    void shouldHoldAProductionRunForApprovalUnderTheRunbooksRule() {
        String rules = """
                name: production-policies
                version: "1.0.0"
                rules:
                  - name: require_approval_for_production
                    condition: namespace == 'production'
                    action: require_approval
                    approval_type: manager
                """;
        YamlPolicyEngine engine = new YamlPolicyEngine(PolicyRuleSet.parse(rules, "rules.yaml"),
                io.greenlang.common.config.PolicyAction.ALLOW, true);
        t.policy = engine::evaluate;
        t.requestDocument("r1", "acme", MONTHLY_CLOSE.formatted("production"), Map.of());

        assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        PolicyDecision decision = t.decisions("r1").get(0);
        assertThat(decision.getAction()).isEqualTo(PolicyAction.REQUIRE_APPROVAL);
        assertThat(decision.getSource()).isEqualTo(PolicySource.YAML);
        assertThat(decision.getRulesFired()).containsExactly("require_approval_for_production");
        t.command("r1", RunCommandType.APPROVE);
        t.completeAll("r1");
        assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
    }
}
