package io.greenlang.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.greenlang.agents.AgentRuns.Attempt;
import io.greenlang.agents.reference.BoilerEfficiencyAgent;
import io.greenlang.agents.reference.DataLoaderAgent;
import io.greenlang.agents.reference.EmissionsAgent;
import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentContext;
import io.greenlang.agents.sdk.AgentEnvironment;
import io.greenlang.agents.sdk.AgentProgram;
import io.greenlang.agents.sdk.AgentRunner;
import io.greenlang.agents.testing.TestAgents;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.json.Hashing;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/** How the runner reports failures, against the real S3 server: the code in result.json and the exit code. */
@GreenLangIntegrationTest
class AgentRunnerIT {

    private static StepResult result(ArtifactStore store, Attempt attempt) {
        return StepResult.parse(store.get(attempt.folder().resolve(ArtifactLayout.RESULT_FILE)));
    }

    private static void assertFailed(StepResult result, String code, Attempt attempt, String... fragments) {
        assertThat(result.status()).isEqualTo(StepResult.Status.FAILED);
        assertThat(result.error().code()).isEqualTo(code);
        assertThat(result.error().message()).contains(fragments);
        assertThat(result.provenance().inputSha256()).isEqualTo(Hashing.sha256Hex(attempt.input()));
        assertThat(result.artifacts()).isEmpty();
    }

    @Test
    void shouldWriteAFailedResultWithDataSchemaForAnUnknownFuelAndExitZero(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            String runId = AgentRuns.newRunId();
            S3Location dataset = new S3Location(infra.bucket(), AgentRuns.TENANT + "/uploads/" + runId + "/d.csv");
            store.put(dataset, "source,fuel,quantity,unit\nstove,wood,12,kg\n".getBytes(StandardCharsets.UTF_8),
                    "text/csv");
            Attempt mrv = AgentRuns.prepare(infra, store, runId, "mrv", EmissionsAgent.ID, Map.of(),
                    Map.of("dataset", dataset.uri()));

            assertThat(new AgentRunner().run(new EmissionsAgent(), mrv.env())).isZero();

            assertFailed(result(store, mrv), "GL-E-DATA-SCHEMA", mrv, "row 1 (line 2, source 'stove')", "'wood'");
        }
    }

    @Test
    void shouldReportDataNotFoundForASourceThatDoesNotExist(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            String runId = AgentRuns.newRunId();
            String missing = "s3://" + infra.bucket() + "/" + AgentRuns.TENANT + "/uploads/" + runId + "/none.csv";
            Attempt data = AgentRuns.prepare(infra, store, runId, "data", DataLoaderAgent.ID, Map.of(),
                    Map.of("source", missing));

            assertThat(new AgentRunner().run(new DataLoaderAgent(), data.env())).isZero();

            assertFailed(result(store, data), "GL-E-DATA-NOT-FOUND", data, missing);
        }
    }

    @Test
    void shouldReportTenantIsolationForASourceOfAnotherTenant(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            String runId = AgentRuns.newRunId();
            S3Location foreign = new S3Location(infra.bucket(), "other-tenant/uploads/" + runId + "/d.csv");
            store.put(foreign, "a\n1\n".getBytes(StandardCharsets.UTF_8), "text/csv");
            Attempt data = AgentRuns.prepare(infra, store, runId, "data", DataLoaderAgent.ID, Map.of(),
                    Map.of("source", foreign.uri()));

            assertThat(new AgentRunner().run(new DataLoaderAgent(), data.env())).isZero();

            assertFailed(result(store, data), "GL-E-TENANT-ISOLATION", data, "other-tenant");
        }
    }

    @Test
    void shouldReportParamRangeForFlueGasColderThanAmbient(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt boiler = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "boiler", BoilerEfficiencyAgent.ID,
                    Map.of(), Map.of("fuel", "coal", "flue_gas_temp_c", "15", "ambient_temp_c", "25",
                            "o2_percent_dry", "6"));

            assertThat(new AgentRunner().run(new BoilerEfficiencyAgent(), boiler.env())).isZero();

            assertFailed(result(store, boiler), "GL-E-PARAM-RANGE", boiler, "flue_gas_temp_c");
        }
    }

    @Test
    void shouldWriteAgentCrashAndExitOneWhenTheAgentThrowsUnexpectedly(TestInfra infra) {
        Agent buggy = new Agent() {
            @Override
            public String id() {
                return "GL-TEST-BUGGY";
            }

            @Override
            public String version() {
                return "0.0.1";
            }

            @Override
            public String description() {
                return "throws";
            }

            @Override
            public void run(AgentContext context) {
                context.writeArtifact("partial.txt", new byte[] {1}, "application/octet-stream");
                throw new IllegalStateException("index out of whack");
            }
        };
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "buggy", buggy.id(), Map.of(),
                    Map.of());

            assertThat(new AgentRunner().run(buggy, attempt.env())).isEqualTo(AgentProgram.EXIT_CRASH);

            StepResult result = result(store, attempt);
            assertFailed(result, "GL-E-AGENT-CRASH", attempt, "IllegalStateException", "index out of whack");
            assertThat(result.provenance().agentVersion()).isEqualTo("0.0.1");
        }
    }

    @Test
    void shouldReportInternalWhenInputJsonIsForAnotherAgent(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "boiler", BoilerEfficiencyAgent.ID,
                    Map.of(), Map.of());

            assertThat(AgentCatalog.builtIn().find(TestAgents.NOOP).orElseThrow().run(attempt.env())).isZero();

            StepResult result = result(store, attempt);
            assertFailed(result, "GL-E-INTERNAL", attempt, "input.json is for agent GL-002");
            assertThat(result.provenance().agentId()).isEqualTo(TestAgents.NOOP);
        }
    }

    @Test
    void shouldReportInternalWithTheHashOfWhatWasReadWhenInputJsonIsNotARunContext(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "noop", TestAgents.NOOP, Map.of(),
                    Map.of());
            byte[] garbage = "{\"not\":\"a run context\"}".getBytes(StandardCharsets.UTF_8);
            store.put(attempt.folder().resolve(ArtifactLayout.INPUT_FILE), garbage, "application/json");

            assertThat(AgentCatalog.builtIn().find(TestAgents.NOOP).orElseThrow().run(attempt.env())).isZero();

            StepResult result = result(store, attempt);
            assertThat(result.error().code()).isEqualTo("GL-E-INTERNAL");
            assertThat(result.provenance().inputSha256()).isEqualTo(Hashing.sha256Hex(garbage));
        }
    }

    @Test
    void shouldExitCrashWithoutAResultWhenInputJsonCannotBeRead(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "noop", TestAgents.NOOP, Map.of(),
                    Map.of());
            Map<String, String> env = new HashMap<>(attempt.env());
            env.put(AgentEnvironment.INPUT_URI, attempt.folder().resolve("missing/input.json").uri());

            assertThat(AgentCatalog.builtIn().find(TestAgents.NOOP).orElseThrow().run(env))
                    .isEqualTo(AgentProgram.EXIT_CRASH);

            assertThat(store.find(attempt.folder().resolve(ArtifactLayout.RESULT_FILE))).isEmpty();
        }
    }

    @Test
    void shouldUseTheOutputUriOfInputJsonWhenGlOutputUriIsNotSet(TestInfra infra) {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "sleep", TestAgents.SLEEP,
                    Map.of(), Map.of("seconds", "0.2"));
            Map<String, String> env = new HashMap<>(attempt.env());
            env.remove(AgentEnvironment.OUTPUT_URI);

            assertThat(AgentCatalog.builtIn().find(TestAgents.SLEEP).orElseThrow().run(env)).isZero();

            StepResult result = result(store, attempt);
            assertThat(result.status()).isEqualTo(StepResult.Status.SUCCEEDED);
            assertThat(result.outputs()).containsEntry("slept", "0.2");
        }
    }
}
