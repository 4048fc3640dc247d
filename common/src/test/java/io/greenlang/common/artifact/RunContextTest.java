package io.greenlang.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;

class RunContextTest {

    private static RunContext context() {
        return new RunContext(RunContext.API_VERSION, "run-1", "mrv", 2, "acme", "GL-MRV-X-001",
                Map.of("year", "2025"), Map.of("dataset", "s3://b/acme/runs/run-1/steps/data.1/artifacts/d.csv"),
                "s3://b/acme/runs/run-1/steps/mrv.2/", Instant.parse("2026-11-22T10:00:00Z"), 600, "run-1/mrv/2/start");
    }

    @Test
    void contextSurvivesWriteAndParse() {
        assertThat(RunContext.parse(context().toJsonBytes())).isEqualTo(context());
    }

    @Test
    void serialisationIsCanonicalSoTheHashIsStable() {
        byte[] first = context().toJsonBytes();
        byte[] second = RunContext.parse(first).toJsonBytes();

        assertThat(Hashing.sha256Hex(second)).isEqualTo(Hashing.sha256Hex(first));
        assertThat(new String(first)).startsWith("{\"agent\":\"GL-MRV-X-001\",\"api_version\":");
    }

    @Test
    void layoutGivesEachAttemptItsOwnFolder() {
        assertThat(ArtifactLayout.stepPrefix("acme", "run-1", "slow_step", 3))
                .isEqualTo("acme/runs/run-1/steps/slow_step.3/");
        assertThat(ArtifactLayout.stepFolder("bucket", "acme", "run-1", "mrv", 1).resolve(ArtifactLayout.RESULT_FILE)
                .uri()).isEqualTo("s3://bucket/acme/runs/run-1/steps/mrv.1/result.json");
        assertThatThrownBy(() -> ArtifactLayout.stepPrefix("../etc", "run-1", "mrv", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonS3UriIsRejectedWithACode() {
        assertThatThrownBy(() -> S3Location.parse("file:///etc/passwd"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.S3_NOT_FOUND));
        assertThat(S3Location.parse("s3://b/a/b.txt")).isEqualTo(new S3Location("b", "a/b.txt"));
    }
}
