package io.greenlang.agents.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import io.greenlang.agents.reference.BoilerEfficiency.Conditions;
import io.greenlang.agents.reference.BoilerEfficiency.Fuel;
import io.greenlang.agents.reference.BoilerEfficiency.Loss;
import io.greenlang.agents.reference.BoilerEfficiency.Result;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/** The indirect (heat-loss) method of GL-002. */
class BoilerEfficiencyTest {

    private static Conditions conditions(double flue, double ambient, double o2, double coPpm, double humidity,
                                         double radiation, double unburned) {
        return new Conditions(flue, ambient, OptionalDouble.of(o2), OptionalDouble.empty(), coPpm,
                OptionalDouble.empty(), humidity, radiation, "given", unburned);
    }

    /**
     * The worked example "boiler efficiency by indirect method" for an oil-fired boiler in Bureau of Energy
     * Efficiency (India), Energy Performance Assessment for Equipment and Utility Systems (Book 4), chapter 1
     * "Boilers". Given: fuel oil C 84 %, H 12 %, S 3 %, O 1 %, GCV 10,200 kcal/kg; O2 in flue gas 7 %; flue gas
     * 220 C; ambient 27 C; air humidity 0.018 kg/kg dry air; radiation and unaccounted losses 2 % (small boiler).
     * The book finds theoretical air 14 kg/kg, excess air 50 %, actual air 21 kg/kg, a loss of 7.10 % to water from
     * hydrogen, 0.322 % to air moisture, and an efficiency of about 81 %.
     *
     * <p>For the dry flue gas the book adds CO2 0.84 x 44/12 = 3.08, SO2 0.03 x 64/32 = 0.06, N2 21 x 0.77 = 16.17
     * and excess O2 (21 - 14) x 0.23 = 1.61 kg/kg: 20.92 kg/kg, so 20.92 x 0.23 x 193 / 10,200 = 9.11 %. With the
     * unrounded air (14.007 and 21.0105 kg/kg) this method gives 20.929 kg/kg and 9.108 %, and an efficiency of
     * 100 - (9.108 + 7.103 + 0.322 + 2) = 81.47 %.
     */
    @Test
    void shouldReproduceTheBeeWorkedExampleForAnOilFiredBoiler() {
        Result r = BoilerEfficiency.calculate(Fuel.FUEL_OIL, conditions(220, 27, 7, 0, 0.018, 2.0, 0));

        assertThat(r.theoreticalAir()).isCloseTo(14.0, within(0.01));
        assertThat(r.excessAirPercent()).isCloseTo(50.0, within(1e-9));
        assertThat(r.actualAir()).isCloseTo(21.0, within(0.02));
        assertThat(r.dryFlueGas()).isCloseTo(20.92, within(0.01));
        assertThat(r.loss(Loss.DRY_FLUE_GAS)).isCloseTo(9.11, within(0.01));
        assertThat(r.loss(Loss.HYDROGEN_COMBUSTION_MOISTURE)).isCloseTo(7.10, within(0.005));
        assertThat(r.loss(Loss.AIR_MOISTURE)).isCloseTo(0.322, within(0.0005));
        assertThat(r.loss(Loss.FUEL_MOISTURE)).isZero();
        assertThat(r.loss(Loss.CARBON_MONOXIDE)).isZero();
        assertThat(r.loss(Loss.UNBURNED_CARBON)).isZero();
        assertThat(r.efficiencyPercent()).isCloseTo(81.47, within(0.01)).isCloseTo(81.0, within(0.5));
        assertThat(r.totalLossPercent() + r.efficiencyPercent()).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void shouldTreatExcessAirAndTheEquivalentOxygenReadingAlike() {
        Result byO2 = BoilerEfficiency.calculate(Fuel.FUEL_OIL, conditions(220, 27, 7, 0, 0, 2, 0));
        Result byExcessAir = BoilerEfficiency.calculate(Fuel.FUEL_OIL, new Conditions(220, 27, OptionalDouble.empty(),
                OptionalDouble.of(50), 0, OptionalDouble.empty(), 0, 2, "given", 0));

        assertThat(byExcessAir.efficiencyPercent()).isCloseTo(byO2.efficiencyPercent(), within(1e-9));
    }

    @Test
    void shouldLoseMoreWithHotterFlueGasAndMoreExcessAir() {
        double base = BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(150, 20, 3, 0, 0, 1, 0))
                .efficiencyPercent();
        double hotter = BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(200, 20, 3, 0, 0, 1, 0))
                .efficiencyPercent();
        double moreAir = BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(150, 20, 6, 0, 0, 1, 0))
                .efficiencyPercent();

        assertThat(hotter).isLessThan(base);
        assertThat(moreAir).isLessThan(base);
    }

    @Test
    void shouldChargeCarbonMonoxideAgainstTheComputedCo2() {
        Result clean = BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(150, 20, 3, 0, 0, 1, 0));
        Result withCo = BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(150, 20, 3, 500, 0, 1, 0));

        // Methane at 3 % O2 gives about 10 % CO2 in the dry flue gas; 500 ppm CO is 0.05 %, so about 0.5 % of the
        // carbon burns to CO only: 0.05 / (0.05 + CO2) x 0.7487 x 5744 kcal/kg / 13,256 kcal/kg.
        assertThat(withCo.co2PercentDry()).isBetween(9.5, 10.5);
        double expected = 100 * 0.05 / (0.05 + withCo.co2PercentDry()) * 0.7487 * 5744 / (55_500 / 4.1868);
        assertThat(withCo.loss(Loss.CARBON_MONOXIDE)).isCloseTo(expected, within(1e-9)).isBetween(0.15, 0.17);
        assertThat(withCo.efficiencyPercent()).isLessThan(clean.efficiencyPercent());
    }

    @Test
    void shouldCountUnburnedCarbonAndBurnOnlyTheRest() {
        Result r = BoilerEfficiency.calculate(Fuel.COAL, conditions(180, 25, 6, 0, 0, 1.5, 2.0));

        assertThat(r.burnedCarbon()).isCloseTo(0.63, within(1e-12));
        assertThat(r.loss(Loss.UNBURNED_CARBON)).isCloseTo(100 * 0.02 * 33_727 / 27_000, within(1e-9));
        assertThat(r.loss(Loss.FUEL_MOISTURE)).isPositive();
    }

    @Test
    void shouldRejectFlueGasNoWarmerThanAmbientAsParamRange() {
        assertParamRange(() -> BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(20, 25, 3, 0, 0, 1, 0)),
                "flue_gas_temp_c");
    }

    @Test
    void shouldRejectOxygenAtOrAbove21PercentAsParamRange() {
        assertParamRange(() -> BoilerEfficiency.calculate(Fuel.NATURAL_GAS, conditions(150, 20, 21, 0, 0, 1, 0)),
                "o2_percent_dry");
    }

    @Test
    void shouldRejectPercentagesGivenAsMassFractions() {
        Fuel percent = new Fuel("custom", 84, 12, 3, 1, 0, 0, 0, 42.7);

        assertParamRange(() -> BoilerEfficiency.calculate(percent, conditions(220, 27, 7, 0, 0, 2, 0)),
                "fuel_carbon", "mass fraction");
    }

    @Test
    void shouldRejectAnalysesAddingUpToMoreThanOne() {
        Fuel tooMuch = new Fuel("custom", 0.8, 0.2, 0, 0, 0, 0.1, 0, 40);

        assertParamRange(() -> BoilerEfficiency.calculate(tooMuch, conditions(220, 27, 7, 0, 0, 2, 0)),
                "add up to");
    }

    @Test
    void shouldRejectLossesOfAllTheFuelsHeat() {
        Fuel wet = new Fuel("custom", 0.2, 0.02, 0, 0.1, 0, 0.6, 0.08, 2.0);

        assertParamRange(() -> BoilerEfficiency.calculate(wet, conditions(300, 20, 10, 0, 0, 2, 0)), "losses add up");
    }

    @Test
    void shouldRequireExactlyOneOfOxygenAndExcessAir() {
        Conditions neither = new Conditions(150, 20, OptionalDouble.empty(), OptionalDouble.empty(), 0,
                OptionalDouble.empty(), 0, 1, "given", 0);
        Conditions both = new Conditions(150, 20, OptionalDouble.of(3), OptionalDouble.of(15), 0,
                OptionalDouble.empty(), 0, 1, "given", 0);

        assertThatThrownBy(() -> BoilerEfficiency.calculate(Fuel.NATURAL_GAS, neither))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAM_MISSING));
        assertParamRange(() -> BoilerEfficiency.calculate(Fuel.NATURAL_GAS, both), "exactly one");
    }

    @Test
    void shouldAssumeRadiationLossBySizeWhenNoneIsGiven() {
        assertThat(BoilerEfficiency.radiationLoss(OptionalDouble.empty())).isEqualTo(2.0);
        assertThat(BoilerEfficiency.radiationLoss(OptionalDouble.of(1.5))).isEqualTo(2.0);
        assertThat(BoilerEfficiency.radiationLoss(OptionalDouble.of(5))).isEqualTo(1.5);
        assertThat(BoilerEfficiency.radiationLoss(OptionalDouble.of(20))).isEqualTo(1.0);
        assertThat(BoilerEfficiency.radiationLoss(OptionalDouble.of(100))).isEqualTo(0.5);
        assertParamRange(() -> BoilerEfficiency.radiationLoss(OptionalDouble.of(0)), "boiler_capacity_mw");
    }

    private static void assertParamRange(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                                         String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GreenLangException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAM_RANGE);
            assertThat(e.getMessage()).contains(fragments);
        });
    }
}
