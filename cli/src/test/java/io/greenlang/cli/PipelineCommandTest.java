package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

import io.greenlang.pipeline.PipelineCompiler;

/**
 * Runs {@code gl pipeline} in-process over the pipeline module's example documents: the valid ones (among them the
 * runbook's slow_step example) and every broken one, whose {@code # expect: CODE PATH [@LINE:COLUMN]} lines state
 * what must be printed.
 */
class PipelineCommandTest {

    private static final Path PIPELINES = Path.of("..", "pipeline", "src", "test", "resources", "pipelines");
    private static final Pattern EXPECT = Pattern.compile("# expect: (\\S+) (\\S+)(?: @(\\d+):(\\d+))?");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new PipelineCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    static Stream<Path> brokenDocuments() throws IOException {
        try (Stream<Path> files = Files.list(PIPELINES.resolve("broken"))) {
            return files.sorted().toList().stream();
        }
    }

    @Test
    void shouldPassTheRunbookSlowStepExample() {
        int rc = run("validate", PIPELINES.resolve("valid/runbook-slow-step.yaml").toString());

        assertThat(rc).isZero();
        assertThat(out.toString()).contains("valid pipeline 'mrv-report': 1 step(s) in 1 level(s)");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldPassADocumentWhoseRequiredParameterIsGivenOnTheCommandLine() {
        String file = PIPELINES.resolve("valid/diamond.yaml").toString();

        assertThat(run("validate", file)).isEqualTo(1);
        assertThat(err.toString()).contains("GL-E-PARAM-MISSING spec.parameters[1]");
        assertThat(run("validate", file, "--param", "year=2025")).isZero();
        assertThat(out.toString()).contains("4 step(s) in 3 level(s)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void shouldPrintTheCodeAndPathOfEveryProblemOfABrokenDocument(Path file) throws IOException {
        List<Matcher> expected = Files.readString(file).lines().map(EXPECT::matcher).filter(Matcher::matches)
                .toList();

        int rc = run("validate", file.toString());

        assertThat(rc).isEqualTo(1);
        assertThat(expected).isNotEmpty();
        for (Matcher e : expected) {
            String line = e.group(1) + " " + e.group(2) + (e.group(3) == null ? ""
                    : " (line " + e.group(3) + ", column " + e.group(4) + "): ");
            assertThat(err.toString()).contains(line);
        }
        assertThat(err.toString()).contains(expected.size() + " problem(s)").contains("\nfix: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldPrintASyntaxErrorWithLineColumnAndTheFixOfItsCode() {
        int rc = run("validate", PIPELINES.resolve("broken/yaml-syntax-error.yaml").toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString())
                .contains("GL-E-YAML-INVALID (document) (line 10, column 6): not valid YAML:")
                .contains("fix: Validate YAML with `greenlang pipeline validate`");
    }

    @Test
    void shouldFailClearlyForAMissingFile(@TempDir Path dir) {
        int rc = run("validate", dir.resolve("nope.yaml").toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("error: cannot read").contains("nope.yaml: no such file")
                .contains("fix:");
    }

    @Test
    void shouldPrintTheDagLevelsStepsAndRunKeyOfAPlan() throws IOException {
        Path file = PIPELINES.resolve("valid/diamond.yaml");

        int rc = run("plan", file.toString(), "--param", "year=2025", "--tenant", "acme");

        assertThat(rc).isZero();
        String runKey = new PipelineCompiler().compile(Files.readString(file), Map.of("year", "2025"), "acme")
                .runKey();
        assertThat(out.toString())
                .contains("pipeline emissions-report (namespace production, tenant acme)")
                .contains("parameters: region=eu-west, threshold=0.5, year=2025")
                .contains("run key: " + runKey)
                .contains("level 0: fetch\n")
                .contains("level 1: scope1, scope2\n")
                .contains("level 2: report\n")
                .contains("scope2  agent GL-MRV-X-002, timeout 1800s, retries 0, cpu 500m, memory 1Gi, after fetch")
                .contains("outputs: report");
    }

    @Test
    void shouldPlanWithTheDocumentsTenantAndShowTheWhenCondition() {
        int rc = run("plan", PIPELINES.resolve("valid/when.yaml").toString());

        assertThat(rc).isZero();
        assertThat(out.toString()).contains("tenant acme")
                .contains("when params.publish && namespace == 'production'");
    }

    @Test
    void shouldRefuseToPlanForAnotherTenantThanTheDocuments() {
        int rc = run("plan", PIPELINES.resolve("valid/when.yaml").toString(), "--tenant", "globex");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("GL-E-TENANT-ISOLATION metadata.tenant")
                .contains("fix: Use resources in your tenant");
    }

    @Test
    void shouldReportABadParameterValueGivenOnTheCommandLine() {
        int rc = run("plan", PIPELINES.resolve("valid/diamond.yaml").toString(), "-p", "year=soon");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("GL-E-PARAM-TYPE params.year: parameter 'year' is integer but 'soon'");
        assertThat(out.toString()).isEmpty();
    }
}
