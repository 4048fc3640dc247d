package io.greenlang.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.greenlang.common.error.ErrorCode;

/**
 * Every document under {@code pipelines/broken/} states the problems it must produce in {@code # expect:} lines
 * ({@code CODE PATH [@LINE:COLUMN]}); validation must report exactly those, no more and no fewer. The CLI test
 * runs {@code gl pipeline validate} over the same files.
 */
class BrokenPipelinesTest {

    private static final Pattern EXPECT = Pattern.compile("# expect: (\\S+) (\\S+)(?: @(\\d+):(\\d+))?");

    private final PipelineCompiler compiler = new PipelineCompiler();

    record Expected(String code, String path, int line, int column) {
    }

    static Stream<Path> brokenDocuments() throws IOException, URISyntaxException {
        Path dir = Path.of(BrokenPipelinesTest.class.getResource("/pipelines/broken").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    static List<Expected> expectations(String document) {
        return document.lines().map(EXPECT::matcher).filter(Matcher::matches)
                .map(m -> new Expected(m.group(1), m.group(2).equals("(document)") ? "" : m.group(2),
                        m.group(3) == null ? -1 : Integer.parseInt(m.group(3)),
                        m.group(4) == null ? -1 : Integer.parseInt(m.group(4))))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void shouldReportExactlyTheExpectedCodesAndPaths(Path file) throws IOException {
        String document = Files.readString(file);
        List<Expected> expected = expectations(document);
        assertThat(expected).as("# expect: lines of " + file.getFileName()).isNotEmpty();

        List<ValidationProblem> problems = compiler.validate(document, Map.of());

        assertThat(problems).extracting(p -> p.code().code(), ValidationProblem::path)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(e -> tuple(e.code(), e.path())).toList());
        for (Expected e : expected) {
            if (e.line() > 0) {
                assertThat(problems).as(e.toString())
                        .anySatisfy(p -> {
                            assertThat(p.path()).isEqualTo(e.path());
                            assertThat(p.line()).isEqualTo(e.line());
                            assertThat(p.column()).isEqualTo(e.column());
                        });
            }
        }
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).isNotBlank());
    }

    @Test
    void shouldCoverEveryValidationErrorCodeWithABrokenDocument() throws Exception {
        Set<ErrorCode> covered = EnumSet.noneOf(ErrorCode.class);
        for (Path file : brokenDocuments().toList()) {
            expectations(Files.readString(file)).forEach(e -> covered.add(ErrorCode.fromCode(e.code())));
        }
        assertThat(covered).containsExactlyInAnyOrder(ErrorCode.YAML_INVALID, ErrorCode.YAML_SCHEMA,
                ErrorCode.YAML_VERSION, ErrorCode.DAG_CYCLE, ErrorCode.DAG_MISSING_DEP, ErrorCode.DAG_ORPHAN,
                ErrorCode.PARAM_MISSING, ErrorCode.PARAM_TYPE, ErrorCode.PARAM_RANGE);
    }

    @Test
    void shouldReportEveryProblemOfADocumentAtOnce() throws Exception {
        String document = Files.readString(brokenDocuments().filter(f -> f.endsWith("multiple-problems.yaml"))
                .findFirst().orElseThrow());

        List<ValidationProblem> problems = compiler.validate(document, Map.of());

        assertThat(problems).hasSize(7);
        assertThat(problems).extracting(ValidationProblem::code).contains(ErrorCode.YAML_SCHEMA,
                ErrorCode.PARAM_RANGE, ErrorCode.DAG_MISSING_DEP, ErrorCode.DAG_CYCLE, ErrorCode.PARAM_MISSING);
    }
}
