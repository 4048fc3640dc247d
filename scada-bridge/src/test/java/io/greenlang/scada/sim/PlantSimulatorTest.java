package io.greenlang.scada.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;

class PlantSimulatorTest {

    @Test
    void shouldWriteALoadableTagMapOfEveryTagItServesWhenAskedForTagMaps(@TempDir Path dir) {
        PlantSimulator sim = PlantSimulator.builder().plants(2).boilers(3).port(48_400).pkiDir(dir.resolve("pki"))
                .build();

        List<Path> files = sim.writeTagMaps(dir, TagMap.SecurityPolicy.BASIC256SHA256, TagMap.SecurityMode.SIGN);

        assertThat(files).containsExactly(dir.resolve("plant-1.yaml"), dir.resolve("plant-2.yaml"));
        TagMap map = TagMap.load(files.get(1));
        assertThat(map.plantId()).isEqualTo("plant-2");
        assertThat(map.endpoint()).isEqualTo("opc.tcp://localhost:48400/greenlang");
        assertThat(map.securityMode()).isEqualTo(TagMap.SecurityMode.SIGN);
        assertThat(map.tags()).extracting(TagSpec::tag)
                .containsExactlyElementsOf(sim.values("plant-2").keySet());
        assertThat(map.tags()).filteredOn(t -> t.tag().equals("B2.DRUM.PRESSURE_BAR")).singleElement()
                .satisfies(t -> {
                    assertThat(t.nodeId()).isEqualTo("ns=2;s=plant-2/B2.DRUM.PRESSURE_BAR");
                    assertThat(t.assetId()).isEqualTo("plant-2/B2");
                    assertThat(t.unit()).isEqualTo("bar");
                });
    }
}
