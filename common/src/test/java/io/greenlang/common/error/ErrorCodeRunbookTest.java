package io.greenlang.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link ErrorCode} against the tables of the runbook §6 (a copy of the operator runbook kept in the test
 * resources), so the catalogue and the runbook cannot drift apart.
 */
class ErrorCodeRunbookTest {

    private static final Pattern SECTION = Pattern.compile("^### (6\\.\\d) .*\\(([A-Z_ /]+)\\)\\s*$");

    /** One row of a §6 table. */
    record RunbookRow(String section, Set<ErrorClass> sectionClasses, String code, String description,
                      String retry, String fix) {
    }

    private static List<RunbookRow> rows;

    @BeforeAll
    static void parseRunbook() throws IOException {
        String text;
        try (InputStream in = ErrorCodeRunbookTest.class
                .getResourceAsStream("/runbook/greenlang-orchestrator-runbook.txt")) {
            assertThat(in).as("runbook copy in test resources").isNotNull();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String chapter = text.substring(text.indexOf("## 6. Error Codes Reference"), text.indexOf("## 7. "));
        rows = new ArrayList<>();
        String section = null;
        Set<ErrorClass> classes = Set.of();
        List<String> header = List.of();
        for (String line : chapter.lines().toList()) {
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                section = m.group(1);
                classes = Arrays.stream(m.group(2).split("/")).map(String::trim).map(ErrorClass::valueOf)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(ErrorClass.class)));
                header = List.of();
                continue;
            }
            if (!line.startsWith("|") || line.startsWith("|--")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.get(0).equals("Code")) {
                header = cells;
                continue;
            }
            int retryColumn = header.indexOf("Retry");
            rows.add(new RunbookRow(section, classes,
                    cells.get(header.indexOf("Code")).replace("`", ""),
                    cells.get(header.indexOf("Description")),
                    retryColumn < 0 ? null : cells.get(retryColumn),
                    cells.get(header.indexOf("Fix"))));
        }
    }

    private static List<String> cells(String line) {
        String inner = line.trim();
        inner = inner.substring(1, inner.length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static Map<String, RunbookRow> byCode() {
        return rows.stream().collect(Collectors.toMap(RunbookRow::code, Function.identity()));
    }

    @Test
    void shouldContainExactlyTheRunbookCodes() {
        assertThat(rows).hasSize(40);
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code))
                .containsExactlyInAnyOrderElementsOf(rows.stream().map(RunbookRow::code).toList());
    }

    @Test
    void shouldCopyTheRunbookDescriptionAndFixVerbatim() {
        Map<String, RunbookRow> runbook = byCode();
        for (ErrorCode code : ErrorCode.values()) {
            RunbookRow row = runbook.get(code.code());
            assertThat(code.description()).as(code.code()).isEqualTo(row.description());
            assertThat(code.fix()).as(code.code()).isEqualTo(row.fix());
        }
    }

    @Test
    void shouldFollowTheRunbookRetryColumn() {
        Map<String, RunbookRow> runbook = byCode();
        for (ErrorCode code : ErrorCode.values()) {
            String retry = runbook.get(code.code()).retry();
            RetryPolicy expected = switch (retry == null ? "No" : retry) {
                case "No" -> RetryPolicy.NONE;
                case "Yes (bounded)", "Yes" -> RetryPolicy.BOUNDED;
                case "Yes (exponential)" -> RetryPolicy.EXPONENTIAL;
                default -> throw new AssertionError("Unknown Retry value '" + retry + "' for " + code.code());
            };
            assertThat(code.retryPolicy()).as(code.code() + " Retry=" + retry).isEqualTo(expected);
        }
    }

    @Test
    void shouldUseAClassOfTheRunbookSectionHeading() {
        Map<String, RunbookRow> runbook = byCode();
        for (ErrorCode code : ErrorCode.values()) {
            RunbookRow row = runbook.get(code.code());
            assertThat(row.sectionClasses()).as(code.code() + " in §" + row.section()).contains(code.errorClass());
            assertThat(code.category().runbookSection()).as(code.code()).isEqualTo(row.section());
        }
    }

    @Test
    void shouldClassifyExecutionErrorsAsTransientExactlyWhenRetryable() {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.category() == ErrorCategory.EXECUTION) {
                assertThat(code.errorClass())
                        .as(code.code())
                        .isEqualTo(code.isRetryable() ? ErrorClass.TRANSIENT : ErrorClass.AGENT_BUG);
            }
        }
    }
}
