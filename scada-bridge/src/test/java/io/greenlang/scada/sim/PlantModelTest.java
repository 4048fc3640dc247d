package io.greenlang.scada.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlantModelTest {

    private static List<Map<String, Double>> run(long seed, int ticks) {
        PlantModel model = new PlantModel(2, 3, seed);
        List<Map<String, Double>> out = new ArrayList<>();
        for (int i = 0; i < ticks; i++) {
            model.tick(1.0);
            out.add(model.values("plant-1"));
            out.add(model.values("plant-2"));
        }
        return out;
    }

    @Test
    void shouldProduceTheSameValuesWhenTheSeedIsTheSame() {
        assertThat(run(42, 50)).isEqualTo(run(42, 50));
        assertThat(run(42, 50)).isNotEqualTo(run(43, 50));
    }

    @Test
    void shouldServeEveryTagOfEveryBoilerAndThePlantDemand() {
        PlantModel model = new PlantModel(3, 4, 1);
        assertThat(model.plantIds()).containsExactly("plant-1", "plant-2", "plant-3");
        Map<String, Double> values = model.values("plant-2");
        assertThat(values).hasSize(1 + 4 * PlantModel.BOILER_TAGS.size())
                .containsKeys(PlantModel.PLANT_DEMAND_TAG, "B1.STEAM.FLOW_TPH", "B4.DRUM.PRESSURE_BAR",
                        "B3.FLUE.O2_PCT", "B2.STATUS.TRIPPED");
    }

    @Test
    void shouldKeepEveryValueInItsPhysicalRangeWhenRunningNormally() {
        PlantModel model = new PlantModel(2, 4, 7);
        for (int i = 0; i < 500; i++) {
            model.tick(1.0);
            for (String plant : model.plantIds()) {
                Map<String, Double> v = model.values(plant);
                for (String b : model.boilerIds(plant)) {
                    assertThat(v.get(b + ".DRUM.PRESSURE_BAR")).isBetween(30.0, PlantModel.PRESSURE_LIMIT_BAR);
                    assertThat(v.get(b + ".STEAM.TEMP_C")).isBetween(350.0, 430.0);
                    assertThat(v.get(b + ".FLUE.O2_PCT")).isBetween(1.5, 6.0);
                    assertThat(v.get(b + ".FLUE.TEMP_C")).isBetween(100.0, 200.0);
                    double heat = v.get(b + ".HEAT.OUTPUT_MW");
                    assertThat(heat).isBetween(0.0, model.capacityMw(plant, b) * 1.01);
                    // steam and fuel follow the heat: 0.78 MW per t/h, fuel energy above heat out (efficiency < 1)
                    assertThat(v.get(b + ".STEAM.FLOW_TPH") * PlantModel.MW_PER_TPH).isCloseTo(heat, within(1e-9));
                    double fuelMw = v.get(b + ".FUEL.FLOW_KGS") * PlantModel.FUEL_LHV_MJ_PER_KG;
                    assertThat(heat / fuelMw).isBetween(0.84, 0.90);
                    assertThat(v.get(b + ".STATUS.TRIPPED")).isZero();
                }
                // with every boiler running, supply meets demand (within the noise)
                assertThat(model.heatSupplyMw(plant)).isCloseTo(model.heatDemandMw(plant),
                        within(model.heatDemandMw(plant) * 0.02));
            }
        }
    }

    @Test
    void shouldCutTheBoilerAndShiftItsLoadWhenABoilerTrips() {
        PlantModel model = new PlantModel(1, 3, 5);
        model.tick(1.0);
        double othersBefore = model.values("plant-1").get("B2.HEAT.OUTPUT_MW")
                + model.values("plant-1").get("B3.HEAT.OUTPUT_MW");

        model.tripBoiler("plant-1", "B1");
        for (int i = 0; i < 30; i++) {
            model.tick(1.0);
        }

        Map<String, Double> v = model.values("plant-1");
        assertThat(v.get("B1.STATUS.TRIPPED")).isEqualTo(1.0);
        assertThat(v.get("B1.HEAT.OUTPUT_MW")).isZero();
        assertThat(v.get("B1.FUEL.FLOW_KGS")).isZero();
        assertThat(v.get("B1.STEAM.FLOW_TPH")).isZero();
        assertThat(v.get("B1.FLUE.O2_PCT")).isCloseTo(20.9, within(0.01));
        assertThat(v.get("B1.DRUM.PRESSURE_BAR")).isLessThan(10.0);
        assertThat(v.get("B2.HEAT.OUTPUT_MW") + v.get("B3.HEAT.OUTPUT_MW")).isGreaterThan(othersBefore);
    }

    @Test
    void shouldLeaveThePlantShortWhenTheRemainingBoilersCannotCarryTheDemand() {
        PlantModel model = new PlantModel(1, 2, 3);
        model.tripBoiler("plant-1", "B1");
        model.tripBoiler("plant-1", "B2");
        model.tick(1.0);

        assertThat(model.heatSupplyMw("plant-1")).isZero();
        assertThat(model.heatDemandMw("plant-1")).isPositive();
    }

    @Test
    void shouldExceedThePressureLimitWhenPressureIsRaised() {
        PlantModel model = new PlantModel(1, 2, 3);
        model.raisePressure("plant-1", "B2", 10);
        model.tick(1.0);

        assertThat(model.values("plant-1").get("B2.DRUM.PRESSURE_BAR")).isGreaterThan(PlantModel.PRESSURE_LIMIT_BAR);
        assertThat(model.values("plant-1").get("B1.DRUM.PRESSURE_BAR")).isLessThan(PlantModel.PRESSURE_LIMIT_BAR);
    }

    @Test
    void shouldShowTheMasterControllersShareAsSetpointWhileNoSetpointIsWritten() {
        PlantModel model = new PlantModel(1, 3, 5);
        for (int i = 0; i < 20; i++) {
            model.tick(1.0);
        }

        Map<String, Double> v = model.values("plant-1");
        double share = model.heatDemandMw("plant-1") / (model.capacityMw("plant-1", "B1")
                + model.capacityMw("plant-1", "B2") + model.capacityMw("plant-1", "B3"));
        for (String b : model.boilerIds("plant-1")) {
            assertThat(v.get(b + "." + PlantModel.LOAD_SETPOINT_TAG))
                    .isCloseTo(model.capacityMw("plant-1", b) * share, within(1e-9));
        }
    }

    @Test
    void shouldRampTheBoilerToAWrittenSetpointNoFasterThanItsRampAndLetTheOthersCarryTheRest() {
        PlantModel model = new PlantModel(1, 3, 5);
        model.tick(1.0);
        double capacity = model.capacityMw("plant-1", "B1");
        double before = model.values("plant-1").get("B1.HEAT.OUTPUT_MW");
        double target = before > capacity / 2 ? capacity * 0.1 : capacity * 0.9;
        double maxStepPerSecond = capacity * PlantModel.RAMP_FRACTION_PER_MINUTE / 60;

        model.setLoadSetpoint("plant-1", "B1", target);
        double previous = before;
        for (int i = 0; i < 600; i++) {
            model.tick(1.0);
            double now = model.values("plant-1").get("B1.HEAT.OUTPUT_MW");
            assertThat(Math.abs(now - previous)).as("tick %d", i).isLessThanOrEqualTo(maxStepPerSecond + 1e-9);
            previous = now;
        }

        Map<String, Double> v = model.values("plant-1");
        assertThat(v.get("B1." + PlantModel.LOAD_SETPOINT_TAG)).isEqualTo(target);
        assertThat(v.get("B1.HEAT.OUTPUT_MW")).isCloseTo(target, within(target * 0.01));
        // B2 and B3 follow the demand that B1 no longer covers
        assertThat(model.heatSupplyMw("plant-1")).isCloseTo(model.heatDemandMw("plant-1"),
                within(model.heatDemandMw("plant-1") * 0.02));
    }

    @Test
    void shouldFollowTheDemandAgainWhenTheSetpointIsReleased() {
        PlantModel model = new PlantModel(1, 2, 3);
        model.setLoadSetpoint("plant-1", "B1", 0);
        for (int i = 0; i < 300; i++) {
            model.tick(1.0);
        }
        assertThat(model.values("plant-1").get("B1.HEAT.OUTPUT_MW")).isLessThan(0.1);

        model.releaseLoadSetpoint("plant-1", "B1");
        for (int i = 0; i < 60; i++) {
            model.tick(1.0);
        }

        assertThat(model.values("plant-1").get("B1.HEAT.OUTPUT_MW")).isGreaterThan(1.0);
        assertThat(model.heatSupplyMw("plant-1")).isCloseTo(model.heatDemandMw("plant-1"),
                within(model.heatDemandMw("plant-1") * 0.02));
    }
}
