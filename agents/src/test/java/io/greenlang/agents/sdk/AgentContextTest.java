package io.greenlang.agents.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;

/** Input access and argument checks that fail before any S3 request (the client points at nothing). */
class AgentContextTest {

    private final S3Client s3 = S3Client.builder().region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(URI.create("http://127.0.0.1:9")).forcePathStyle(true).build();
    private final ArtifactStore store = new ArtifactStore(s3, new GlMeters(new SimpleMeterRegistry()));

    @AfterEach
    void close() {
        s3.close();
    }

    private AgentContext context(Map<String, String> parameters, Map<String, String> inputs) {
        RunContext run = new RunContext(RunContext.API_VERSION, "run-1", "boiler", 1, "acme", "GL-002", parameters,
                inputs, "s3://artifacts/acme/runs/run-1/steps/boiler.1/", Instant.parse("2030-01-01T00:00:00Z"), 60,
                "key-1");
        return new AgentContext(run, S3Location.parse(run.outputUri()), store);
    }

    @Test
    void shouldPreferTheStepInputOverTheRunParameterOfTheSameName() {
        AgentContext context = context(Map.of("fuel", "coal", "ambient_temp_c", "20"), Map.of("fuel", " fuel_oil "));

        assertThat(context.input("fuel")).contains("fuel_oil");
        assertThat(context.input("ambient_temp_c")).contains("20");
        assertThat(context.input("absent")).isEmpty();
    }

    @Test
    void shouldTreatABlankStepInputAsAbsentAndFallBackToTheParameter() {
        AgentContext context = context(Map.of("fuel", "coal"), Map.of("fuel", "  "));

        assertThat(context.input("fuel")).contains("coal");
    }

    @Test
    void shouldReportParamMissingNamingTheInput() {
        AgentContext context = context(Map.of(), Map.of());

        assertThatThrownBy(() -> context.requireNumber("flue_gas_temp_c"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAM_MISSING);
                    assertThat(e.getMessage()).contains("flue_gas_temp_c");
                });
    }

    @Test
    void shouldReportParamTypeForANumberWithACommaDecimalSeparator() {
        AgentContext context = context(Map.of(), Map.of("o2_percent_dry", "3,5"));

        assertThatThrownBy(() -> context.number("o2_percent_dry"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAM_TYPE);
                    assertThat(e.getMessage()).contains("o2_percent_dry", "3,5");
                });
    }

    @Test
    void shouldSplitACommaListAndDropBlankItems() {
        AgentContext context = context(Map.of("required_columns", " source, fuel ,,unit "), Map.of());

        assertThat(context.list("required_columns")).containsExactly("source", "fuel", "unit");
        assertThat(context.list("absent")).isEmpty();
    }

    @Test
    void shouldRefuseToReadAnotherTenantsKeyInTheArtifactBucket() {
        AgentContext context = context(Map.of(), Map.of());

        assertThatThrownBy(() -> context.read("s3://artifacts/other/runs/r/steps/data.1/artifacts/dataset.csv"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TENANT_ISOLATION));
    }

    @Test
    void shouldReportParamTypeForAnInputThatIsNotAnS3Uri() {
        AgentContext context = context(Map.of(), Map.of());

        assertThatThrownBy(() -> context.download("/etc/passwd"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAM_TYPE));
    }

    @Test
    void shouldRejectArtifactNamesThatLeaveTheArtifactsFolder() {
        AgentContext context = context(Map.of(), Map.of());

        for (String name : new String[] {"../result.json", "a/../../x", "/abs.txt", "a//b", ""}) {
            assertThatThrownBy(() -> context.writeArtifact(name, new byte[0], "text/plain"))
                    .as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRejectOutputNamesAPipelineCannotReference() {
        AgentContext context = context(Map.of(), Map.of());

        assertThatThrownBy(() -> context.output("total tco2e", "1")).isInstanceOf(IllegalArgumentException.class);
        context.output("total_tco2e", "1.5");
        assertThat(context.outputs()).containsEntry("total_tco2e", "1.5");
    }
}
