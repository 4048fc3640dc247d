package io.greenlang.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;

class PipelineCompilerTest {

    private static final String HEADER = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: test
            spec:
            """;

    private final PipelineCompiler compiler = new PipelineCompiler();

    static String resource(String name) {
        try (InputStream in = PipelineCompilerTest.class.getResourceAsStream("/pipelines/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A pipeline whose spec is the given YAML (indented by two spaces under spec:). */
    private static String pipeline(String spec) {
        return HEADER + spec.indent(2);
    }

    private static String linearChain(int length) {
        StringBuilder steps = new StringBuilder("steps:\n  - {name: s0, agent: GL-X-001}\n");
        for (int i = 1; i < length; i++) {
            steps.append("  - {name: s").append(i).append(", agent: GL-X-001, depends_on: [s").append(i - 1)
                    .append("]}\n");
        }
        return pipeline(steps.toString());
    }

    // ------------------------------------------------------------------------------------------- valid documents

    @Test
    void shouldAcceptTheRunbookSlowStepExampleWithItsTimeoutAndResources() {
        String document = resource("valid/runbook-slow-step.yaml");

        assertThat(compiler.validate(document, Map.of())).isEmpty();
        PlannedStep step = compiler.compile(document, Map.of(), "acme").step("slow_step").orElseThrow();

        assertThat(step.agent()).isEqualTo("GL-MRV-X-001");
        assertThat(step.timeoutSeconds()).isEqualTo(7200);
        assertThat(step.resources()).isEqualTo(new StepResources("2", "8Gi"));
        assertThat(step.retries()).isEqualTo(PipelineCompiler.DEFAULT_RETRIES);
    }

    @Test
    void shouldTakeDefaultsFromTheConfigurationWhenTheDocumentIsSilent() {
        GlConfig config = GlConfig.load(Map.of(GlConfig.DEFAULT_TIMEOUT_SECONDS, "600",
                GlConfig.DEFAULT_CPU_LIMIT, "250m", GlConfig.DEFAULT_MEMORY_LIMIT, "512Mi"), Optional.empty());

        RunPlan plan = new PipelineCompiler(config).compile(resource("valid/minimal.yaml"), Map.of(), "acme");

        PlannedStep step = plan.steps().get(0);
        assertThat(step.timeoutSeconds()).isEqualTo(600);
        assertThat(step.resources()).isEqualTo(new StepResources("250m", "512Mi"));
        assertThat(plan.namespace()).isEqualTo(PipelineCompiler.DEFAULT_NAMESPACE);
    }

    @Test
    void shouldUseGlConfigDefaultsInTheNoArgumentConstructor() {
        PlannedStep step = compiler.compile(resource("valid/minimal.yaml"), Map.of(), "acme").steps().get(0);

        assertThat(step.timeoutSeconds()).isEqualTo(3600);
        assertThat(step.resources()).isEqualTo(new StepResources("1", "2Gi"));
    }

    @Test
    void shouldPreferStepValuesThenSpecDefaultsThenConfiguration() {
        RunPlan plan = compiler.compile(pipeline("""
                defaults:
                  timeout_seconds: 1800
                  retries: 2
                  resources: {memory: 1Gi}
                steps:
                  - {name: a, agent: GL-X-001}
                  - {name: b, agent: GL-X-001, timeout_seconds: 60, retries: 0, resources: {cpu: 500m}}
                """), Map.of(), "acme");

        assertThat(plan.step("a").orElseThrow()).satisfies(a -> {
            assertThat(a.timeoutSeconds()).isEqualTo(1800);
            assertThat(a.retries()).isEqualTo(2);
            assertThat(a.resources()).isEqualTo(new StepResources("1", "1Gi"));
        });
        assertThat(plan.step("b").orElseThrow()).satisfies(b -> {
            assertThat(b.timeoutSeconds()).isEqualTo(60);
            assertThat(b.retries()).isZero();
            assertThat(b.resources()).isEqualTo(new StepResources("500m", "1Gi"));
        });
    }

    @Test
    void shouldKeepTheWhenConditionAsWrittenWithoutEvaluatingIt() {
        RunPlan plan = compiler.compile(resource("valid/when.yaml"), Map.of(), "acme");

        assertThat(plan.step("publish").orElseThrow().when())
                .isEqualTo("params.publish && namespace == 'production'");
        assertThat(plan.step("compute").orElseThrow().when()).isNull();
    }

    @Test
    void shouldCarryMetadataIntoThePlan() {
        RunPlan plan = compiler.compile(resource("valid/diamond.yaml"), Map.of("year", "2025"), "acme");

        assertThat(plan.pipelineName()).isEqualTo("emissions-report");
        assertThat(plan.namespace()).isEqualTo("production");
        assertThat(plan.labels()).containsEntry("team", "carbon-accounting");
        assertThat(plan.tenant()).isEqualTo("acme");
        assertThat(plan.outputs()).containsExactly("report");
        assertThat(plan.step("report").orElseThrow().image()).isEqualTo("ghcr.io/greenlang/report-agent:1.4.0");
    }

    @Test
    void shouldAcceptYamlMergeKeysAndAnchors() {
        RunPlan plan = compiler.compile(pipeline("""
                steps:
                  - &base {name: a, agent: GL-X-001, resources: {cpu: "2", memory: 4Gi}}
                  - <<: *base
                    name: b
                    depends_on: [a]
                """), Map.of(), "acme");

        assertThat(plan.step("b").orElseThrow().resources()).isEqualTo(new StepResources("2", "4Gi"));
    }

    // ------------------------------------------------------------------------------------------------ the DAG

    @Test
    void shouldPutEachStepOfALinearChainOnItsOwnLevel() {
        RunPlan plan = compiler.compile(linearChain(4), Map.of(), "acme");

        assertThat(plan.levels()).containsExactly(List.of("s0"), List.of("s1"), List.of("s2"), List.of("s3"));
        assertThat(plan.outputs()).containsExactly("s3");
    }

    @Test
    void shouldPutTheTwoMiddleStepsOfADiamondOnOneLevel() {
        RunPlan plan = compiler.compile(resource("valid/diamond.yaml"), Map.of("year", "2025"), "acme");

        assertThat(plan.levels()).containsExactly(List.of("fetch"), List.of("scope1", "scope2"), List.of("report"));
        assertThat(plan.steps()).extracting(PlannedStep::name).containsExactly("fetch", "scope1", "scope2", "report");
    }

    @Test
    void shouldPutAFanOutOfFiftyOnOneLevelInDeclarationOrder() {
        StringBuilder steps = new StringBuilder("steps:\n  - {name: root, agent: GL-X-001}\n");
        for (int i = 49; i >= 0; i--) {
            steps.append("  - {name: leaf").append(i).append(", agent: GL-X-001, depends_on: [root]}\n");
        }
        steps.append("  - {name: gather, agent: GL-X-001, depends_on: [")
                .append(String.join(", ", IntStream.range(0, 50).mapToObj(i -> "leaf" + i).toList())).append("]}\n");

        RunPlan plan = compiler.compile(pipeline(steps.toString()), Map.of(), "acme");

        assertThat(plan.levels()).hasSize(3);
        assertThat(plan.levels().get(1)).hasSize(50).first().isEqualTo("leaf49");
        assertThat(plan.levels().get(1)).last().isEqualTo("leaf0");
        assertThat(plan.levels().get(2)).containsExactly("gather");
    }

    @Test
    void shouldOrderStepsByLevelThenByDeclarationOrder() {
        RunPlan plan = compiler.compile(pipeline("""
                steps:
                  - {name: z-late, agent: GL-X-001, depends_on: [b-first]}
                  - {name: b-first, agent: GL-X-001}
                  - {name: a-also-first, agent: GL-X-001}
                """), Map.of(), "acme");

        assertThat(plan.steps()).extracting(PlannedStep::name).containsExactly("b-first", "a-also-first", "z-late");
        assertThat(plan.outputs()).containsExactly("z-late", "a-also-first");
    }

    @Test
    void shouldReportCycleWithItsSteps() {
        List<ValidationProblem> problems = compiler.validate(pipeline("""
                steps:
                  - {name: a, agent: GL-X-001, depends_on: [c]}
                  - {name: b, agent: GL-X-001, depends_on: [a]}
                  - {name: c, agent: GL-X-001, depends_on: [b]}
                  - {name: d, agent: GL-X-001, depends_on: [c]}
                  - {name: e, agent: GL-X-001, depends_on: [e]}
                """), Map.of());

        assertThat(problems).extracting(ValidationProblem::code).containsOnly(ErrorCode.DAG_CYCLE);
        assertThat(problems).extracting(ValidationProblem::message).containsExactly(
                "steps form a dependency cycle: a -> c -> b -> a (each step depends on the next)",
                "steps form a dependency cycle: e -> e (each step depends on the next)");
    }

    @Test
    void shouldCompileA1000StepChainQuicklyWithoutStackOverflow() {
        String document = linearChain(1000);

        long start = System.nanoTime();
        RunPlan plan = new PipelineCompiler().compile(document, Map.of(), "acme");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(plan.levels()).hasSize(1000);
        assertThat(plan.steps().get(999).name()).isEqualTo("s999");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldReportACycleThroughAThousandStepsWithoutStackOverflow() {
        String document = linearChain(1000).replace("{name: s0, agent: GL-X-001}",
                "{name: s0, agent: GL-X-001, depends_on: [s999]}");

        List<ValidationProblem> problems = compiler.validate(document, Map.of());

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.DAG_CYCLE);
            assertThat(p.message()).contains("s0 -> s999 -> s998").contains("1000 steps");
        });
    }

    @Test
    void shouldRejectADocumentLargerThanTheLimitWithoutParsingIt() {
        String document = linearChain(2) + "#" + "x".repeat(GlipParser.MAX_DOCUMENT_CHARS);

        assertThat(compiler.validate(document, Map.of())).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.YAML_INVALID);
            assertThat(p.message()).contains("limit is 1048576");
        });
    }

    // ---------------------------------------------------------------------------------------------- parameters

    @Test
    void shouldBindParametersConvertedToTheirDeclaredTypes() {
        String document = pipeline("""
                parameters:
                  - {name: s, type: string}
                  - {name: n, type: number}
                  - {name: i, type: integer}
                  - {name: b, type: boolean}
                  - {name: e, type: enum, values: [low, high]}
                  - {name: d, type: integer, default: 7}
                steps:
                  - {name: a, agent: GL-X-001}
                """);

        RunPlan plan = compiler.compile(document,
                Map.of("s", "text", "n", "2.5", "i", "-42", "b", "TRUE", "e", "high"), "acme");

        assertThat(plan.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("s", "text", "n", 2.5, "i", -42L,
                "b", true, "e", "high", "d", 7L));
    }

    @Test
    void shouldSubstituteParametersInInputsAndCommandButKeepStepOutputReferences() {
        RunPlan plan = compiler.compile(resource("valid/diamond.yaml"), Map.of("year", "2030"), "acme");

        assertThat(plan.step("fetch").orElseThrow().inputs()).containsEntry("region", "eu-west")
                .containsEntry("year", "2030");
        assertThat(plan.step("scope2").orElseThrow().inputs()).containsEntry("threshold", "0.5")
                .containsEntry("dataset", "${steps.fetch.outputs.dataset}");
        assertThat(plan.step("report").orElseThrow().command()).containsExactly("report", "--year", "2030");
    }

    @Test
    void shouldLeaveOtherDollarBracesLiteralAndReportMalformedReferences() {
        String document = pipeline("""
                steps:
                  - name: a
                    agent: GL-X-001
                    command: [sh, -c, "echo ${HOME}"]
                    inputs:
                      bad: "${params.}"
                """);

        assertThat(compiler.validate(document, Map.of())).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.YAML_SCHEMA);
            assertThat(p.path()).isEqualTo("spec.steps[0].inputs.bad");
        });
        assertThat(compiler.compile(document.replace("\"${params.}\"", "ok"), Map.of(), "acme").steps().get(0)
                .command()).containsExactly("sh", "-c", "echo ${HOME}");
    }

    @Test
    void shouldRejectStepOutputReferencesInCommands() {
        List<ValidationProblem> problems = compiler.validate(pipeline("""
                steps:
                  - {name: a, agent: GL-X-001}
                  - {name: b, agent: GL-X-001, depends_on: [a], command: ["${steps.a.outputs.x}"]}
                """), Map.of());

        assertThat(problems).extracting(ValidationProblem::code, ValidationProblem::path)
                .containsExactly(org.assertj.core.api.Assertions.tuple(ErrorCode.YAML_SCHEMA,
                        "spec.steps[1].command[0]"));
    }

    @Test
    void shouldAcceptReferencesToOutputsOfTransitiveDependencies() {
        String document = resource("valid/diamond.yaml");

        assertThat(compiler.validate(document, Map.of("year", "2025"))).isEmpty();
    }

    @Test
    void shouldRejectACallerValueOfTheWrongType() {
        List<ValidationProblem> problems = compiler.validate(resource("valid/diamond.yaml"),
                Map.of("year", "twenty", "threshold", "high"));

        assertThat(problems).extracting(ValidationProblem::code, ValidationProblem::path).containsExactly(
                org.assertj.core.api.Assertions.tuple(ErrorCode.PARAM_TYPE, "params.year"),
                org.assertj.core.api.Assertions.tuple(ErrorCode.PARAM_TYPE, "params.threshold"));
    }

    @Test
    void shouldRejectACallerValueOutsideTheRange() {
        assertThat(compiler.validate(resource("valid/diamond.yaml"), Map.of("year", "1999")))
                .singleElement().satisfies(p -> {
                    assertThat(p.code()).isEqualTo(ErrorCode.PARAM_RANGE);
                    assertThat(p.path()).isEqualTo("params.year");
                    assertThat(p.message()).contains("1999").contains("between 2000 and 2100");
                });
    }

    @Test
    void shouldRejectAnEnumValueThatIsNotListed() {
        assertThat(compiler.validate(resource("valid/diamond.yaml"), Map.of("year", "2025", "region", "mars")))
                .singleElement().satisfies(p -> {
                    assertThat(p.code()).isEqualTo(ErrorCode.PARAM_TYPE);
                    assertThat(p.message()).contains("mars").contains("eu-west, us-east");
                });
    }

    @Test
    void shouldRejectAParameterTheDocumentDoesNotDeclare() {
        assertThat(compiler.validate(resource("valid/minimal.yaml"), Map.of("yera", "2025")))
                .singleElement().satisfies(p -> {
                    assertThat(p.code()).isEqualTo(ErrorCode.PARAM_MISSING);
                    assertThat(p.path()).isEqualTo("params.yera");
                });
    }

    @Test
    void shouldReportAReferenceToAnOptionalParameterThatHasNoValue() {
        String document = pipeline("""
                parameters:
                  - {name: note, type: string}
                steps:
                  - name: a
                    agent: GL-X-001
                    inputs: {note: "${params.note}"}
                """);

        assertThat(compiler.validate(document, Map.of())).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.PARAM_MISSING);
            assertThat(p.path()).isEqualTo("spec.steps[0].inputs.note");
        });
        assertThat(compiler.validate(document, Map.of("note", "hi"))).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------ keys

    @Test
    void shouldGiveTheSameKeysForTheSamePipelineParametersAndTenant() {
        String document = resource("valid/diamond.yaml");

        RunPlan first = compiler.compile(document, Map.of("year", "2025"), "acme");
        RunPlan second = new PipelineCompiler().compile(document, Map.of("year", "2025"), "acme");

        assertThat(second.runKey()).isEqualTo(first.runKey()).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(second.steps()).extracting(PlannedStep::idempotencyKey)
                .containsExactlyElementsOf(first.steps().stream().map(PlannedStep::idempotencyKey).toList());
        assertThat(first.steps()).extracting(PlannedStep::idempotencyKey).doesNotHaveDuplicates()
                .doesNotContain(first.runKey());
    }

    @Test
    void shouldGiveDifferentKeysForAnotherTenantOrParameterValue() {
        String document = resource("valid/diamond.yaml");
        RunPlan base = compiler.compile(document, Map.of("year", "2025"), "acme");

        RunPlan otherTenant = compiler.compile(document, Map.of("year", "2025"), "globex");
        RunPlan otherParameter = compiler.compile(document, Map.of("year", "2026"), "acme");
        RunPlan defaultMadeExplicit = compiler.compile(document, Map.of("year", "2025", "region", "eu-west"), "acme");

        assertThat(otherTenant.runKey()).isNotEqualTo(base.runKey());
        assertThat(otherParameter.runKey()).isNotEqualTo(base.runKey()).isNotEqualTo(otherTenant.runKey());
        assertThat(otherTenant.steps().get(0).idempotencyKey()).isNotEqualTo(base.steps().get(0).idempotencyKey());
        assertThat(otherParameter.steps().get(0).idempotencyKey())
                .isNotEqualTo(base.steps().get(0).idempotencyKey());
        assertThat(defaultMadeExplicit.runKey()).as("a default and the same value given explicitly bind the same")
                .isEqualTo(base.runKey());
    }

    @Test
    void shouldGiveTheSameRunKeyWhateverTheSpellingOfTheSameDocument() {
        String yaml = resource("valid/minimal.yaml");
        String json = resource("valid/minimal.json");
        String reformatted = "# a comment\n" + yaml.replace("  name: hello", "  name: \"hello\"   # quoted");

        String key = compiler.compile(yaml, Map.of(), "acme").runKey();

        assertThat(compiler.compile(json, Map.of(), "acme").runKey()).isEqualTo(key);
        assertThat(compiler.compile(reformatted, Map.of(), "acme").runKey()).isEqualTo(key);
        assertThat(compiler.compile(yaml.replace("GL-ECHO-X-001", "GL-ECHO-X-002"), Map.of(), "acme").runKey())
                .isNotEqualTo(key);
    }

    @Test
    void shouldCompileConcurrentlyToTheSamePlan() throws Exception {
        String document = resource("valid/diamond.yaml");
        RunPlan expected = new PipelineCompiler().compile(document, Map.of("year", "2025"), "acme");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RunPlan>> plans = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                plans.add(pool.submit(() -> compiler.compile(document, Map.of("year", "2025"), "acme")));
            }
            for (Future<RunPlan> plan : plans) {
                assertThat(plan.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------------------------- tenant

    @Test
    void shouldRefuseAPipelineThatBelongsToAnotherTenant() {
        String document = resource("valid/when.yaml");

        assertThatThrownBy(() -> compiler.compile(document, Map.of(), "globex"))
                .isInstanceOfSatisfying(PipelineValidationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.TENANT_ISOLATION);
                    assertThat(e.problems()).singleElement().extracting(ValidationProblem::path)
                            .isEqualTo("metadata.tenant");
                });
        assertThat(compiler.compile(document, Map.of(), "acme").tenant()).isEqualTo("acme");
        assertThat(compiler.declaredTenant(document)).contains("acme");
    }

    @Test
    void shouldThrowWithEveryProblemWhenCompilingAnInvalidDocument() {
        assertThatThrownBy(() -> compiler.compile(resource("broken/multiple-problems.yaml"), Map.of(), "acme"))
                .isInstanceOfSatisfying(PipelineValidationException.class, e -> {
                    assertThat(e.problems()).hasSize(7);
                    assertThat(e.errorCode()).isEqualTo(e.problems().get(0).code());
                    assertThat(e.getMessage()).contains("7 problem(s)").contains("metadata.owner");
                });
    }
}
