package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class PolicyCommandTest {

    private static final String RUNBOOK_RULES = """
            name: production-policies
            version: "1.0.0"
            rules:
              - name: require_approval_for_production
                condition: namespace == 'production'
                action: require_approval
                approval_type: manager
            """;

    private static final String PLATFORM_RULES = """
            name: platform-policies
            rules:
              - name: allow_dev
                condition: namespace == 'dev'
                action: allow
              - name: deny_frozen
                condition: "namespace == 'frozen'"
                action: deny
                message: The frozen namespace takes no runs
              - name: deny_big_memory_steps
                condition: resources.memory_bytes > 8589934592
                action: deny
                message: A step may ask for at most 8Gi of memory
                applies_to: pre_step
              - name: allow_steps
                condition: "true"
                action: allow
                applies_to: pre_step
            """;

    private static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: emissions-report
              namespace: production
              labels:
                team: carbon-accounting
            spec:
              parameters:
                - name: year
                  type: integer
                  required: true
              steps:
                - name: fetch
                  agent: GL-DATA-X-001
                  inputs:
                    year: ${params.year}
                - name: slow_step
                  agent: GL-MRV-X-001
                  depends_on: [fetch]
                  timeout_seconds: 7200
                  resources:
                    cpu: "2"
                    memory: "%s"
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path runbookRules;
    private Path platformRules;
    private Path pipeline;

    @BeforeEach
    void writeFiles() throws Exception {
        runbookRules = Files.writeString(dir.resolve("runbook-rules.yaml"), RUNBOOK_RULES);
        platformRules = Files.writeString(dir.resolve("platform-rules.yaml"), PLATFORM_RULES);
        pipeline = Files.writeString(dir.resolve("pipeline.yaml"), PIPELINE.formatted("8Gi"));
    }

    /** Runs {@code gl policy ...} through the real {@code gl} command line and its error handling. */
    private int gl(String... args) {
        CommandLine cli = Gl.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "policy";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void shouldExitWithThreeAndNameTheApprovalTypeWhenTheRunbookRuleRequiresApprovalForProduction() {
        int rc = gl("test", runbookRules.toString(), pipeline.toString(), "--param", "year=2025",
                "--default-action", "allow", "--strict");

        assertThat(rc).as(err.toString()).isEqualTo(3);
        assertThat(out.toString())
                .contains("Pipeline: emissions-report (namespace production, tenant default, 2 steps)")
                .contains("held    require_approval  require_approval_for_production")
                .contains("=> REQUIRE_APPROVAL (approval_type manager)")
                .contains("pre_step step slow_step (agent GL-MRV-X-001, cpu 2, memory 8Gi)")
                .contains("Decision: REQUIRE_APPROVAL (exit code 3)");
    }

    @Test
    void shouldExitWithZeroWhenEveryDecisionAllows() {
        int rc = gl("test", platformRules.toString(), pipeline.toString(), "--param", "year=2025",
                "--namespace", "dev", "--default-action", "deny", "--strict");

        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("held    allow             allow_dev")
                .contains("rules fired: allow_steps")
                .contains("Decision: ALLOW (exit code 0)");
    }

    @Test
    void shouldExitWithTwoAndPrintTheRulesMessageWhenARuleDenies() {
        int rc = gl("test", platformRules.toString(), pipeline.toString(), "--param", "year=2025",
                "--namespace", "frozen", "--stage", "pre_run", "--default-action", "allow", "--strict");

        assertThat(rc).as(err.toString()).isEqualTo(2);
        assertThat(out.toString())
                .contains("=> DENY GL-E-YAML-POLICY: The frozen namespace takes no runs")
                .contains("rules fired: deny_frozen")
                .doesNotContain("pre_step")
                .contains("Decision: DENY (exit code 2)");
    }

    @Test
    void shouldDenyAStepAskingForMoreMemoryThanARuleAllows() throws Exception {
        Files.writeString(pipeline, PIPELINE.formatted("16Gi"));

        int rc = gl("test", platformRules.toString(), pipeline.toString(), "--param", "year=2025",
                "--namespace", "dev", "--stage", "pre_step", "--default-action", "deny", "--strict");

        assertThat(rc).as(err.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("A step may ask for at most 8Gi of memory").doesNotContain("pre_run ");
    }

    @Test
    void shouldExitWithOneNamingTheRuleWhenTheRulesAreInvalid() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                name: broken
                rules:
                  - name: bad_condition
                    condition: namespace ==
                    action: deny
                """);

        int rc = gl("test", broken.toString(), pipeline.toString(), "--param", "year=2025");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("rule 'bad_condition'", "line 4", "fix:");
    }

    @Test
    void shouldExitWithOneForAnUnknownStage() {
        int rc = gl("test", runbookRules.toString(), pipeline.toString(), "--stage", "during");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("use pre_run or pre_step");
    }

    @Test
    void shouldExitWithOneWhenThePipelineIsInvalid() {
        int rc = gl("test", runbookRules.toString(), pipeline.toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("GL-E-PARAM-MISSING", "year");
    }

    @Test
    void shouldDocumentTheExitCodesInItsHelp() {
        assertThat(gl("test", "--help")).isZero();
        assertThat(out.toString()).contains("Exit codes:", "2   denied", "3   approval required");
    }
}
