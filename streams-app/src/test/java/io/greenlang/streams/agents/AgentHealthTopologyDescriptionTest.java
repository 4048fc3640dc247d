package io.greenlang.streams.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import io.greenlang.topics.TopicCatalog;

/**
 * Pins the agent health topology: node, store and repartition names (hence changelog and repartition topic
 * names), topics and wiring. Update {@code agent-health-topology.txt} only on purpose; on a mismatch the actual
 * description is written to {@code target/agent-health-topology.actual.txt}.
 */
class AgentHealthTopologyDescriptionTest {

    private static final String EXPECTED = "agent-health-topology.txt";

    private static TopologyDescription describe() {
        return AgentHealthTopology.build(TopicCatalog.standard(), AgentHealthSettings.defaults(), "test").describe();
    }

    @Test
    void shouldMatchThePinnedTopologyDescription() throws IOException {
        String actual = describe().toString();
        String expected;
        try (InputStream in = getClass().getResourceAsStream(EXPECTED)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!actual.equals(expected)) {
            Files.writeString(Path.of("target", "agent-health-topology.actual.txt"), actual);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void shouldSplitIntoAgentKeyedAndPlantKeyedSubTopologiesWithNamedResources() {
        TopologyDescription description = describe();

        assertThat(description.subtopologies()).hasSize(2);
        assertThat(description.toString()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .contains(AgentHealthTopology.HEALTH_STORE, AgentHealthTopology.CASCADE_STORE,
                        AgentHealthTopology.BY_PLANT_REPARTITION + "-repartition");
    }
}
