package io.greenlang.streams.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoilerFleetTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveASimulatedPlantTheKnownCapacitiesAndTheSameFleetForTheSameSeed() {
        BoilerFleet fleet = BoilerFleet.simulated("plant-1", List.of(35.0, 30.0, 20.0, 15.0), 7);

        assertThat(fleet.boilers()).extracting(Boiler::assetId).containsExactly("B1", "B2", "B3", "B4");
        assertThat(fleet.boilers()).extracting(Boiler::capacityMw).containsExactly(35.0, 30.0, 20.0, 15.0);
        assertThat(fleet.boilers()).allSatisfy(b -> assertThat(b.minStableMw()).isBetween(0.2 * b.capacityMw() - 0.05,
                0.4 * b.capacityMw() + 0.05));
        assertThat(fleet.boilers()).extracting(Boiler::critical).containsExactly(true, false, false, false);
        assertThat(BoilerFleet.simulated("plant-1", List.of(35.0, 30.0, 20.0, 15.0), 7)).isEqualTo(fleet);
    }

    @Test
    void shouldReadBoilersWhenYamlIsValid() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                plants:
                  plant-1:
                    critical_share: 0.25
                    carbon_price_per_tonne: 80
                    boilers:
                      - {id: B1, capacity_mw: 20, min_stable_mw: 4, ramp_mw: 8, start_cost: 150,
                         fuel_cost_per_mwh: 32, emissions_kg_per_mwh: 210, critical: true}
                      - {id: B2, capacity_mw: 12, ramp_mw: 6, fuel_cost_per_mwh: 25}
                """);

        BoilerFleet fleet = BoilerFleet.readYaml(file).get("plant-1");

        assertThat(fleet.criticalShare()).isEqualTo(0.25);
        assertThat(fleet.carbonPricePerTonne()).isEqualTo(80.0);
        assertThat(fleet.boilers()).containsExactly(
                new Boiler("B1", 20, 4, false, 0, 150, 8, 32, 210, true, true),
                new Boiler("B2", 12, 0, false, 0, 0, 6, 25, 0, false, true));
    }

    @Test
    void shouldNamePlantBoilerAndFieldWhenValueIsMissing() throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                plants:
                  plant-1:
                    boilers:
                      - {id: B1, capacity_mw: 20, fuel_cost_per_mwh: 30}
                """);

        assertThatThrownBy(() -> BoilerFleet.readYaml(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plant-1.B1: ramp_mw must be a number");
    }

    @Test
    void shouldTakeOutputAndTripFromTagsWhenBuildingRequest() {
        BoilerFleet fleet = BoilerFleet.simulated("plant-1", 3, 5);

        DispatchRequest request = fleet.request(40, Map.of("B1.HEAT.OUTPUT_MW", 12.5, "B2.STATUS.TRIPPED", 1.0),
                Duration.ofSeconds(1));

        assertThat(request.boilers().get(0).running()).isTrue();
        assertThat(request.boilers().get(0).outputMw()).isEqualTo(12.5);
        assertThat(request.boilers().get(1).available()).isFalse();
        assertThat(request.boilers().get(2).running()).isFalse();
        assertThat(request.criticalDemandMw()).isEqualTo(40 * 0.3);
    }

    @Test
    void shouldGenerateSameFleetWhenSeedIsSame() {
        assertThat(BoilerFleet.simulated("plant-2", 10, 9)).isEqualTo(BoilerFleet.simulated("plant-2", 10, 9));
        assertThat(BoilerFleet.simulated("plant-2", 10, 9)).isNotEqualTo(BoilerFleet.simulated("plant-3", 10, 9));
    }
}
