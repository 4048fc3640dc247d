package io.greenlang.streams.plant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.greenlang.topics.TopicCatalog;

/**
 * Pins the plant topology: node, store and internal topic names (hence changelog and repartition topic names),
 * topics and wiring. A change here is a compatibility decision (a renamed store orphans its changelog): update
 * {@code plant-state-topology.txt} only on purpose. On a mismatch the actual description is written to
 * {@code target/plant-state-topology.actual.txt}.
 */
class PlantStateTopologyDescriptionTest {

    private static final String EXPECTED = "plant-state-topology.txt";

    private static String describe() {
        return PlantStateTopology.build(TopicCatalog.standard(), PlantSettings.defaults(), new PlantMetrics())
                .describe().toString();
    }

    @Test
    void shouldMatchThePinnedTopologyDescription() throws IOException {
        String actual = describe();
        String expected;
        try (InputStream in = getClass().getResourceAsStream(EXPECTED)) {
            expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!actual.equals(expected)) {
            Files.writeString(Path.of("target", "plant-state-topology.actual.txt"), actual);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void shouldNameEveryNodeStoreAndInternalTopicExplicitly() {
        assertThat(describe()).doesNotContain("KSTREAM-").doesNotContain("KTABLE-")
                .contains(PlantStateTopology.PLANT_STORE, PlantStateTopology.LIVE_WINDOW_STORE,
                        PlantStateTopology.HISTORICAL_WINDOW_STORE, PlantStateTopology.STATUS_REPARTITION);
    }
}
