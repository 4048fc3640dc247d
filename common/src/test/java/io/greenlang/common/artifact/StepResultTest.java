package io.greenlang.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;

class StepResultTest {

    private static final String SHA = Hashing.sha256Hex("input");

    @Test
    void succeededResultSurvivesWriteAndParse() {
        StepResult result = StepResult.succeeded(Map.of("total_tco2e", "12.5"),
                List.of(new StepResult.Artifact("artifacts/breakdown.csv", Hashing.sha256Hex("x"), 1)),
                new StepResult.Provenance("GL-MRV-X-001", "1.0.0", SHA));

        StepResult parsed = StepResult.parse(result.toJsonBytes());

        assertThat(parsed).isEqualTo(result);
    }

    @Test
    void failedResultCarriesItsError() {
        StepResult result = StepResult.failed(new StepResult.Failure("GL-E-PARAM-RANGE", "year out of range"),
                new StepResult.Provenance("GL-002", "1.0.0", SHA));

        StepResult parsed = StepResult.parse(result.toJsonBytes());

        assertThat(parsed.status()).isEqualTo(StepResult.Status.FAILED);
        assertThat(parsed.error()).isEqualTo(new StepResult.Failure("GL-E-PARAM-RANGE", "year out of range"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON | {oops | is not JSON",
            "an array | [] | is not a JSON object",
            "wrong version | {\"api_version\":\"v0\",\"status\":\"succeeded\"} | has api_version 'v0'",
            "unknown status | {\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"done\"} | has status 'done'",
            "output not a string | {\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"succeeded\",\"outputs\":{\"a\":1},\"provenance\":{\"agent_id\":\"A\",\"input_sha256\":\"" + "0000000000000000000000000000000000000000000000000000000000000000" + "\"}} | output 'a' must be a string",
            "artifact outside artifacts/ | {\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"succeeded\",\"artifacts\":[{\"path\":\"../x\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1}],\"provenance\":{\"agent_id\":\"A\",\"input_sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"}} | must name a file under artifacts/",
            "failed without error | {\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"failed\",\"provenance\":{\"agent_id\":\"A\",\"input_sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"}} | no 'error' object",
    })
    void malformedResultIsAgentOutputInvalid(String name, String json, String expectedMessage) {
        assertThatThrownBy(() -> StepResult.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AGENT_OUTPUT_INVALID))
                .hasMessageContaining(expectedMessage);
    }

    @Test
    void resultWithoutProvenanceIsProvenanceMissing() {
        String json = "{\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"succeeded\",\"outputs\":{}}";

        assertThatThrownBy(() -> StepResult.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PROVENANCE_MISSING));
    }

    @Test
    void provenanceWithoutInputHashIsProvenanceMissing() {
        String json = "{\"api_version\":\"greenlang.io/step-result/v1\",\"status\":\"succeeded\","
                + "\"provenance\":{\"agent_id\":\"GL-002\"}}";

        assertThatThrownBy(() -> StepResult.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PROVENANCE_MISSING))
                .hasMessageContaining("input_sha256");
    }
}
