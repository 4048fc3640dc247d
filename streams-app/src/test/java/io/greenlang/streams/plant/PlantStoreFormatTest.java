package io.greenlang.streams.plant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.greenlang.streams.serde.StoreSerde;

/** The plant topology's store values: written as Smile, and still read as earlier releases wrote them (JSON text). */
class PlantStoreFormatTest {

    private final StoreSerde<PlantRecord> plants = new StoreSerde<>(PlantRecord.class);
    private final StoreSerde<TagWindow> windows = new StoreSerde<>(TagWindow.class);

    /** A plant record as a release before Smile wrote it to the plant-state-store changelog. */
    private static final String PLANT_RECORD_JSON = """
            {"plantId":"plant-1","tenantId":"acme",
             "values":{"B1.HEAT.OUTPUT_MW":42.5,"PLANT.HEAT.DEMAND_MW":40.0},
             "valueTimes":{"B1.HEAT.OUTPUT_MW":1763900000123,"PLANT.HEAT.DEMAND_MW":1763900000100},
             "quality":{"B1.HEAT.OUTPUT_MW":"Good","PLANT.HEAT.DEMAND_MW":"Good"},
             "badQualitySamples":3,"updatedAt":1763900000123,"statusConnected":true,"lastDataWallMs":1763900000200,
             "activeAlerts":["EFFICIENCY_LOW"],
             "published":{"tags":{"B1.HEAT.OUTPUT_MW":42.5,"PLANT.HEAT.DEMAND_MW":40.0},
                          "tagQuality":{"B1.HEAT.OUTPUT_MW":"Good","PLANT.HEAT.DEMAND_MW":"Good"},
                          "badQualitySamples":3,"heatSupplyMw":42.5,"heatDemandMw":40.0,"efficiency":0.41,
                          "heatLoss":false,"scadaConnected":true,"updatedAt":1763900000123}}
            """;

    /** A window of statistics as a release before Smile wrote it to the window store's changelog. */
    private static final String TAG_WINDOW_JSON = """
            {"tenant":"acme","tags":{"B1.HEAT.OUTPUT_MW":{"count":2,"min":41.0,"max":42.5,"sum":83.5,"last":42.5,
             "lastAt":1763900000123}}}
            """;

    @Test
    void shouldReadAPlantRecordThatAnEarlierReleaseStoredAsJsonText() {
        PlantRecord plant = plants.deserializer().deserialize("t", PLANT_RECORD_JSON.getBytes(StandardCharsets.UTF_8));

        assertThat(plant.plantId).isEqualTo("plant-1");
        assertThat(plant.values).containsEntry("B1.HEAT.OUTPUT_MW", 42.5).containsEntry("PLANT.HEAT.DEMAND_MW", 40.0);
        assertThat(plant.valueTimes).containsEntry("B1.HEAT.OUTPUT_MW", 1763900000123L);
        assertThat(plant.activeAlerts).containsExactly("EFFICIENCY_LOW");
        assertThat(plant.published.efficiency()).isEqualTo(0.41);
        assertThat(plant.published.tags()).isEqualTo(plant.values);
    }

    @Test
    void shouldRewriteAJsonTextRecordAsSmileThatReadsBackEqual() {
        PlantRecord plant = plants.deserializer().deserialize("t", PLANT_RECORD_JSON.getBytes(StandardCharsets.UTF_8));

        byte[] written = plants.serializer().serialize("t", plant);

        assertThat(new String(written, 0, 3, StandardCharsets.US_ASCII)).isEqualTo(":)\n");
        assertThat(plants.deserializer().deserialize("t", written)).usingRecursiveComparison().isEqualTo(plant);
    }

    @Test
    void shouldReadAWindowThatAnEarlierReleaseStoredAsJsonTextAndKeepAddingToIt() {
        TagWindow window = windows.deserializer().deserialize("t", TAG_WINDOW_JSON.getBytes(StandardCharsets.UTF_8));

        window.add("acme", "B1.HEAT.OUTPUT_MW", 40.0, 1763900000200L);
        TagWindow again = windows.deserializer().deserialize("t", windows.serializer().serialize("t", window));

        TagWindow.Stats stats = again.tags.get("B1.HEAT.OUTPUT_MW");
        assertThat(stats.count).isEqualTo(3);
        assertThat(stats.min).isEqualTo(40.0);
        assertThat(stats.max).isEqualTo(42.5);
        assertThat(stats.sum).isEqualTo(123.5);
        assertThat(stats.last).isEqualTo(40.0);
        assertThat(stats.lastAt).isEqualTo(1763900000200L);
    }

    @Test
    void shouldWriteAPlantOfNinetyOneTagsInLessThanHalfTheBytesOfJsonText() throws Exception {
        PlantRecord plant = new PlantRecord();
        plant.plantId = "plant-1";
        plant.tenantId = "acme";
        for (int boiler = 1; boiler <= 10; boiler++) {
            for (String quantity : new String[] {PlantTags.HEAT_OUTPUT_MW, PlantTags.FUEL_INPUT_MW,
                    PlantTags.DRUM_PRESSURE_BAR, PlantTags.DRUM_PRESSURE_LIMIT_BAR, PlantTags.TRIP,
                    PlantTags.STEAM_FLOW_TPH, PlantTags.STEAM_TEMPERATURE_C, PlantTags.FUEL_FLOW_KG_S,
                    PlantTags.FLUE_GAS_O2_PCT}) {
                String tag = PlantTags.boilerTag("B" + boiler, quantity);
                plant.values.put(tag, boiler * 10.123456789 + quantity.length() / 7.0);
                plant.valueTimes.put(tag, 1763900000000L + boiler);
                plant.quality.put(tag, "Good");
            }
        }
        plant.published = new PlantRecord.View(new TreeMap<>(plant.values), new TreeMap<>(plant.quality), 0, 1.5,
                2.5, 0.8, false, true, 1763900000010L);

        byte[] smile = plants.serializer().serialize("t", plant);
        byte[] json = StoreSerde.MAPPER.writerFor(PlantRecord.class).writeValueAsBytes(plant);

        assertThat(smile.length).isLessThan(json.length / 2);
        PlantRecord decoded = plants.deserializer().deserialize("t", smile);
        assertThat(decoded).usingRecursiveComparison().ignoringFields("published").isEqualTo(plant);
        assertThat(decoded.published).isEqualTo(plant.published);
        assertThat(Map.copyOf(plants.deserializer().deserialize("t", json).values)).isEqualTo(plant.values);
    }
}
