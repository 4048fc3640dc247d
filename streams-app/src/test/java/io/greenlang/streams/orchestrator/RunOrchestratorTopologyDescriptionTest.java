package io.greenlang.streams.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.greenlang.pipeline.policy.PolicyResult;
import io.greenlang.topics.TopicCatalog;

/**
 * Pins the orchestrator's topology: node names, store names (hence changelog topic names), topics and wiring.
 * A change here is a compatibility decision (a renamed store orphans its changelog and loses every run in
 * flight): update {@code run-orchestrator-topology.txt} only on purpose. On a mismatch the actual description is
 * written to {@code target/run-orchestrator-topology.actual.txt}.
 */
class RunOrchestratorTopologyDescriptionTest {

    private static final String EXPECTED = "run-orchestrator-topology.txt";

    @Test
    void shouldMatchThePinnedTopologyDescription() throws IOException {
        String actual = RunOrchestratorTopology.build(TopicCatalog.standard(), request -> null,
                ctx -> (PolicyResult) null, OrchestratorSettings.defaults(), OrchestratorMetrics.unregistered())
                .describe().toString();
        String expected;
        try (InputStream in = getClass().getResourceAsStream(EXPECTED)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!actual.equals(expected)) {
            Files.writeString(Path.of("target", "run-orchestrator-topology.actual.txt"), actual);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void shouldNameEveryStoreExplicitly() {
        var description = RunOrchestratorTopology.build(TopicCatalog.standard(), request -> null,
                ctx -> (PolicyResult) null, OrchestratorSettings.defaults(), OrchestratorMetrics.unregistered())
                .describe();
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .contains(RunOrchestratorTopology.RUN_STORE, RunOrchestratorTopology.SCHEDULE_STORE,
                        RunOrchestratorTopology.ACTIVE_RUNS_STORE);
    }
}
