package io.greenlang.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import io.greenlang.agents.AgentRuns.Attempt;
import io.greenlang.agents.reference.BoilerEfficiencyAgent;
import io.greenlang.agents.reference.DataLoaderAgent;
import io.greenlang.agents.reference.EmissionsAgent;
import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentRunner;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.json.Hashing;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * GL-DATA-X-001 -> GL-MRV-X-001 -> GL-002 run in-process by the {@link AgentRunner} against the real S3 server,
 * chained by their outputs as a pipeline would bind them, each result checked as the worker checks it.
 */
@GreenLangIntegrationTest
class ReferenceAgentsChainIT {

    private static final String RAW_CSV = "Source , Fuel ,Quantity,Unit\r\n"
            + "boiler-1,Natural Gas,1000,m3\r\n"
            + "boiler-1,natural_gas,500.0,kWh\r\n"
            + ",,,\r\n"
            + "generator,Diesel,200,litres\r\n";

    @Test
    void shouldChainDataLoaderEmissionsAndBoilerEfficiencyThroughTheirOutputs(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            String runId = AgentRuns.newRunId();
            S3Location upload = new S3Location(infra.bucket(), AgentRuns.TENANT + "/uploads/" + runId + "/fuel.csv");
            store.put(upload, RAW_CSV.getBytes(StandardCharsets.UTF_8), "text/csv");

            Attempt data = AgentRuns.prepare(infra, store, runId, "data", DataLoaderAgent.ID, Map.of(),
                    Map.of("source", upload.uri(), "required_columns", "source,fuel,quantity,unit"));
            StepResult loaded = runAndVerify(new DataLoaderAgent(), data, store);
            assertThat(loaded.outputs()).containsEntry("rows", "3")
                    .containsEntry("dataset", data.folder().resolve("artifacts/dataset.csv").uri());
            assertThat(new String(store.get(data.folder().resolve("artifacts/dataset.csv")), StandardCharsets.UTF_8))
                    .isEqualTo("source,fuel,quantity,unit\nboiler-1,Natural Gas,1000,m3\nboiler-1,natural_gas,500,kWh\n"
                            + "generator,Diesel,200,litres\n");

            Attempt mrv = AgentRuns.prepare(infra, store, runId, "mrv", EmissionsAgent.ID, Map.of(),
                    Map.of("dataset", loaded.outputs().get("dataset")));
            StepResult emissions = runAndVerify(new EmissionsAgent(), mrv, store);
            // 1000 x 2.04542 + 500 x 0.18290 + 200 x 2.51279 = 2045.42 + 91.45 + 502.558 = 2639.428 kg
            assertThat(emissions.outputs()).containsEntry("total_tco2e", "2.639428").containsEntry("sources", "2")
                    .containsEntry("breakdown", mrv.folder().resolve("artifacts/breakdown.json").uri());

            Attempt boiler = AgentRuns.prepare(infra, store, runId, "boiler", BoilerEfficiencyAgent.ID,
                    Map.of("fuel", "natural_gas", "ambient_temp_c", "20"),
                    Map.of("flue_gas_temp_c", "150", "o2_percent_dry", "3", "co_ppm", "50",
                            "emissions_tco2e", emissions.outputs().get("total_tco2e")));
            StepResult efficiency = runAndVerify(new BoilerEfficiencyAgent(), boiler, store);
            JsonNode report = JsonMapper.builder().build()
                    .readTree(store.get(boiler.folder().resolve("artifacts/efficiency.json")));
            assertThat(report.get("emissions_tco2e").decimalValue()).isEqualByComparingTo("2.639428");
            assertThat(report.at("/conditions/radiation_loss_basis").asText()).contains("small boiler");
            assertThat(report.at("/losses_percent/carbon_monoxide").asDouble()).isPositive();
            assertThat(Double.parseDouble(efficiency.outputs().get("efficiency_percent")))
                    .isEqualTo(Math.round(report.get("efficiency_percent").asDouble() * 100) / 100.0)
                    .isBetween(70.0, 90.0);
        }
    }

    /** Runs the agent in-process and checks the result as the worker does; returns it. */
    static StepResult runAndVerify(Agent agent, Attempt attempt, ArtifactStore store) {
        int exit = new AgentRunner().run(agent, attempt.env());
        StepResult result = StepResult.parse(store.get(attempt.folder().resolve(ArtifactLayout.RESULT_FILE)));
        assertThat(result.status()).as("%s: %s", agent.id(), result.error()).isEqualTo(StepResult.Status.SUCCEEDED);
        assertThat(exit).isZero();
        assertProvenanceAndArtifactHashes(result, attempt, store, agent.id());
        return result;
    }

    static void assertProvenanceAndArtifactHashes(StepResult result, Attempt attempt, ArtifactStore store,
                                                  String agentId) {
        assertThat(result.provenance().agentId()).isEqualTo(agentId);
        assertThat(result.provenance().inputSha256()).isEqualTo(Hashing.sha256Hex(attempt.input()));
        for (StepResult.Artifact artifact : result.artifacts()) {
            S3Location location = attempt.folder().resolve(artifact.path());
            assertThat(store.sha256Of(location)).as(artifact.path()).isEqualTo(artifact.sha256());
            assertThat(store.size(location)).as(artifact.path()).contains(artifact.size());
        }
    }
}
