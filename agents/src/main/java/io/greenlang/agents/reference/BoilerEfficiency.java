package io.greenlang.agents.reference;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * Boiler efficiency by the indirect (heat-loss) method on a gross (higher heating value) basis: efficiency is 100 %
 * minus the losses, each a percentage of the fuel's HHV. The formulas and constants are those of the Bureau of
 * Energy Efficiency (India), "Energy Performance Assessment for Equipment and Utility Systems" (Book 4), chapter 1
 * "Boilers", which follows IS 8753 and BS 845-1 in simplified form; ASME PTC 4 is the full method, with measured
 * specific heats and more losses. Per kg of fuel, with mass fractions C, H, S, O, N, moisture M:
 *
 * <pre>
 * theoretical air   A_th = 11.6 C_b + 34.8 (H - O/8) + 4.35 S        (air with 23 % O2 by mass; C_b = C - unburned)
 * excess air        EA   = O2 / (21 - O2)                           (O2 in % of dry flue gas; or given directly)
 * actual air        A    = (1 + EA) A_th
 * dry flue gas      m    = 44/12 C_b + 64/32 S + N + 0.77 A + 0.23 (A - A_th)
 * L1 dry flue gas        = m cp (Tf - Ta) / HHV                     cp = 0.23 kcal/kg K
 * L2 H2 combustion water = 9 H (r + cps (Tf - Ta)) / HHV            r = 584 kcal/kg, cps = 0.45 kcal/kg K
 * L3 fuel moisture       = M (r + cps (Tf - Ta)) / HHV
 * L4 air moisture        = A w cps (Tf - Ta) / HHV                  w = kg water per kg dry air
 * L5 CO                  = CO / (CO + CO2) x C_b x 5744 kcal/kg / HHV     (CO, CO2 in % of dry flue gas)
 * L6 radiation and convection: given, else by boiler size (see {@link #radiationLoss})
 * L7 unburned carbon     = U x 33,727 kJ/kg / HHV                   (U kg per kg fuel; 14,500 Btu/lb, ASME PTC 4)
 * </pre>
 *
 * The kcal constants are used as kJ (x 4.1868 kJ/kcal) with HHV in kJ/kg: every loss is a ratio, so the result is
 * the book's. When CO2 is not measured, it is computed from the same mass balance (mole fractions of CO2, SO2, N2
 * and O2 in the dry flue gas). Pure computation: no I/O, no state.
 */
public final class BoilerEfficiency {

    static final double KJ_PER_KCAL = 4.1868;
    static final double CP_DRY_FLUE_GAS = 0.23 * KJ_PER_KCAL;
    static final double LATENT_HEAT = 584 * KJ_PER_KCAL;
    static final double CP_WATER_VAPOUR = 0.45 * KJ_PER_KCAL;
    static final double CO_LOSS_PER_KG_CARBON = 5744 * KJ_PER_KCAL;
    static final double HHV_UNBURNED_CARBON = 33_727;
    static final double O2_MASS_FRACTION_OF_AIR = 0.23;
    /** Radiation and convection loss of a small boiler when nothing else is known (BEE, Book 4, chapter 1). */
    static final double DEFAULT_RADIATION_LOSS = 2.0;

    private BoilerEfficiency() {
    }

    /**
     * A fuel as fired: ultimate analysis (mass fractions, as-fired basis) and higher heating value.
     *
     * @param name       a label
     * @param carbon     C
     * @param hydrogen   H
     * @param sulphur    S
     * @param oxygen     O
     * @param nitrogen   N
     * @param moisture   water
     * @param ash        ash
     * @param hhvMjPerKg gross calorific value, MJ/kg
     */
    public record Fuel(String name, double carbon, double hydrogen, double sulphur, double oxygen, double nitrogen,
                       double moisture, double ash, double hhvMjPerKg) {

        /**
         * Natural gas taken as methane: C 12.011/16.043, H 4.032/16.043, HHV 890.6 kJ/mol / 16.043 g/mol. Real
         * pipeline gas (ethane, nitrogen, CO2) differs by a few percent; give its analysis when it matters.
         */
        public static final Fuel NATURAL_GAS = new Fuel("natural_gas", 0.7487, 0.2513, 0, 0, 0, 0, 0, 55.50);
        /**
         * The fuel oil of the BEE worked example (Book 4, chapter 1): C 84 %, H 12 %, S 3 %, O 1 %, GCV
         * 10,200 kcal/kg (42.705 MJ/kg).
         */
        public static final Fuel FUEL_OIL = new Fuel("fuel_oil", 0.84, 0.12, 0.03, 0.01, 0, 0, 0,
                10_200 * KJ_PER_KCAL / 1000);
        /**
         * An illustrative as-fired bituminous coal (C 65 %, H 4.3 %, S 1 %, O 7 %, N 1.3 %, moisture 8 %, ash 13.4 %)
         * with its HHV from Dulong's formula (27.0 MJ/kg). Coals vary widely: give the analysis of the coal burned.
         */
        public static final Fuel COAL = new Fuel("coal", 0.65, 0.043, 0.010, 0.070, 0.013, 0.080, 0.134, 27.0);

        /** The named preset, if there is one: {@code natural_gas}, {@code fuel_oil}, {@code coal}. */
        public static Optional<Fuel> preset(String name) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "natural_gas" -> Optional.of(NATURAL_GAS);
                case "fuel_oil" -> Optional.of(FUEL_OIL);
                case "coal" -> Optional.of(COAL);
                default -> Optional.empty();
            };
        }

        /** Validates the analysis; {@code GL-E-PARAM-RANGE} naming the bad value. */
        void check() {
            fraction("fuel_carbon", carbon);
            fraction("fuel_hydrogen", hydrogen);
            fraction("fuel_sulphur", sulphur);
            fraction("fuel_oxygen", oxygen);
            fraction("fuel_nitrogen", nitrogen);
            fraction("fuel_moisture", moisture);
            fraction("fuel_ash", ash);
            double sum = carbon + hydrogen + sulphur + oxygen + nitrogen + moisture + ash;
            if (sum > 1.005) {
                throw range("the fuel's mass fractions add up to " + String.format(Locale.ROOT, "%.4f", sum)
                        + ", more than 1 (give fractions such as 0.84, not percentages)");
            }
            if (carbon <= 0) {
                throw range("fuel_carbon must be more than 0");
            }
            if (!(hhvMjPerKg > 0 && hhvMjPerKg <= 150)) {
                throw range("hhv_mj_per_kg must be in (0, 150] MJ/kg, got " + hhvMjPerKg);
            }
        }
    }

    /**
     * Measurements and assumptions of one test.
     *
     * @param flueGasTempC          flue gas temperature at the boiler outlet, degrees C
     * @param ambientTempC          combustion air (ambient) temperature, degrees C
     * @param o2PercentDry          O2 in the dry flue gas, % by volume; or
     * @param excessAirPercent      excess air, % of the theoretical air
     * @param coPpm                 CO in the dry flue gas, ppm by volume (0 when not measured)
     * @param co2PercentDry         CO2 in the dry flue gas, % by volume, when measured
     * @param airHumidity           kg water per kg dry air (0 when not measured: no air-moisture loss)
     * @param radiationLossPercent  radiation and convection loss, %
     * @param radiationBasis        where that value comes from, for the report
     * @param unburnedCarbonPercent unburned carbon in ash and dust, kg per 100 kg fuel fired
     */
    public record Conditions(double flueGasTempC, double ambientTempC, OptionalDouble o2PercentDry,
                             OptionalDouble excessAirPercent, double coPpm, OptionalDouble co2PercentDry,
                             double airHumidity, double radiationLossPercent, String radiationBasis,
                             double unburnedCarbonPercent) {

        /** Validates; {@code GL-E-PARAM-RANGE} naming the bad value. */
        void check() {
            if (!(ambientTempC >= -60 && ambientTempC <= 60)) {
                throw range("ambient_temp_c must be in [-60, 60] degrees C, got " + ambientTempC);
            }
            if (!(flueGasTempC > ambientTempC)) {
                throw range("flue_gas_temp_c (" + flueGasTempC + ") must be above ambient_temp_c (" + ambientTempC
                        + "): flue gas colder than the air it came from means a wrong reading");
            }
            if (flueGasTempC > 1000) {
                throw range("flue_gas_temp_c must be at most 1000 degrees C, got " + flueGasTempC);
            }
            if (o2PercentDry.isPresent() == excessAirPercent.isPresent()) {
                throw new GreenLangException(o2PercentDry.isPresent() ? ErrorCode.PARAM_RANGE : ErrorCode.PARAM_MISSING,
                        "give exactly one of o2_percent_dry (O2 in the dry flue gas) and excess_air_percent");
            }
            o2PercentDry.ifPresent(o2 -> {
                if (!(o2 >= 0 && o2 < 21)) {
                    throw range("o2_percent_dry must be in [0, 21): air itself has 21 % O2, got " + o2);
                }
            });
            excessAirPercent.ifPresent(ea -> {
                if (!(ea >= 0 && ea <= 1000)) {
                    throw range("excess_air_percent must be in [0, 1000], got " + ea);
                }
            });
            if (!(coPpm >= 0 && coPpm <= 100_000)) {
                throw range("co_ppm must be in [0, 100000], got " + coPpm);
            }
            co2PercentDry.ifPresent(co2 -> {
                if (!(co2 > 0 && co2 < 100)) {
                    throw range("co2_percent_dry must be in (0, 100), got " + co2);
                }
            });
            if (!(airHumidity >= 0 && airHumidity <= 0.2)) {
                throw range("air_humidity_kg_per_kg must be in [0, 0.2] kg water per kg dry air, got " + airHumidity);
            }
            if (!(radiationLossPercent >= 0 && radiationLossPercent <= 20)) {
                throw range("radiation_loss_percent must be in [0, 20], got " + radiationLossPercent);
            }
            if (!(unburnedCarbonPercent >= 0 && unburnedCarbonPercent <= 100)) {
                throw range("unburned_carbon_percent must be in [0, 100], got " + unburnedCarbonPercent);
            }
        }
    }

    /** The losses, in report order; {@link #key()} is the name in {@code efficiency.json}. */
    public enum Loss {
        /** L1: sensible heat of the dry flue gas. */
        DRY_FLUE_GAS("dry_flue_gas"),
        /** L2: water formed by burning the fuel's hydrogen, evaporated and heated. */
        HYDROGEN_COMBUSTION_MOISTURE("hydrogen_combustion_moisture"),
        /** L3: the fuel's own moisture, evaporated and heated. */
        FUEL_MOISTURE("fuel_moisture"),
        /** L4: the combustion air's moisture, heated. */
        AIR_MOISTURE("air_moisture"),
        /** L5: carbon burned to CO instead of CO2. */
        CARBON_MONOXIDE("carbon_monoxide"),
        /** L6: radiation and convection from the boiler's surface. */
        RADIATION_CONVECTION("radiation_convection"),
        /** L7: carbon left unburned in ash and dust. */
        UNBURNED_CARBON("unburned_carbon");

        private final String key;

        Loss(String key) {
            this.key = key;
        }

        /** The name in reports. */
        public String key() {
            return key;
        }
    }

    /**
     * The result and the intermediate values of the method.
     *
     * @param theoreticalAir    kg air per kg fuel for complete combustion
     * @param excessAirPercent  excess air, %
     * @param actualAir         kg air per kg fuel supplied
     * @param burnedCarbon      kg carbon burned per kg fuel
     * @param dryFlueGas        kg dry flue gas per kg fuel
     * @param co2PercentDry     CO2 in the dry flue gas, % by volume
     * @param co2Measured       whether that value was measured (else computed)
     * @param losses            each loss, % of HHV
     * @param totalLossPercent  the sum of the losses
     * @param efficiencyPercent 100 minus the total loss
     */
    public record Result(double theoreticalAir, double excessAirPercent, double actualAir, double burnedCarbon,
                         double dryFlueGas, double co2PercentDry, boolean co2Measured, Map<Loss, Double> losses,
                         double totalLossPercent, double efficiencyPercent) {

        /** Copies. */
        public Result {
            losses = Map.copyOf(losses);
        }

        /** One loss, % of HHV. */
        public double loss(Loss loss) {
            return losses.get(loss);
        }
    }

    /**
     * Computes the efficiency.
     *
     * @throws GreenLangException GL-E-PARAM-RANGE for physically impossible inputs (flue gas not warmer than the air,
     *                            O2 at or above 21 %, fractions outside [0, 1] or adding up to more than 1, unburned
     *                            carbon above the fuel's carbon, losses adding up to 100 % or more)
     */
    public static Result calculate(Fuel fuel, Conditions conditions) {
        Objects.requireNonNull(fuel, "fuel").check();
        Objects.requireNonNull(conditions, "conditions").check();
        double hhv = fuel.hhvMjPerKg() * 1000;
        double rise = conditions.flueGasTempC() - conditions.ambientTempC();
        double unburned = conditions.unburnedCarbonPercent() / 100;
        double carbon = fuel.carbon() - unburned;
        if (carbon <= 0) {
            throw range("unburned_carbon_percent (" + conditions.unburnedCarbonPercent() + ") must be less than the "
                    + "fuel's carbon (" + fuel.carbon() * 100 + " kg per 100 kg fuel)");
        }
        double theoreticalAir = 11.6 * carbon + 34.8 * (fuel.hydrogen() - fuel.oxygen() / 8) + 4.35 * fuel.sulphur();
        if (theoreticalAir <= 0) {
            throw range("the fuel analysis needs no air to burn (11.6 C + 34.8 (H - O/8) + 4.35 S <= 0): check it");
        }
        double excessAir = conditions.o2PercentDry().isPresent()
                ? conditions.o2PercentDry().getAsDouble() / (21 - conditions.o2PercentDry().getAsDouble())
                : conditions.excessAirPercent().getAsDouble() / 100;
        double actualAir = (1 + excessAir) * theoreticalAir;
        double surplusAir = actualAir - theoreticalAir;
        double dryFlueGas = carbon * 44 / 12 + fuel.sulphur() * 64 / 32 + fuel.nitrogen()
                + (1 - O2_MASS_FRACTION_OF_AIR) * actualAir + O2_MASS_FRACTION_OF_AIR * surplusAir;

        double co2Percent;
        boolean co2Measured = conditions.co2PercentDry().isPresent();
        if (co2Measured) {
            co2Percent = conditions.co2PercentDry().getAsDouble();
        } else {
            double co2 = carbon / 12.011;
            double so2 = fuel.sulphur() / 32.06;
            double n2 = ((1 - O2_MASS_FRACTION_OF_AIR) * actualAir + fuel.nitrogen()) / 28.013;
            double o2 = O2_MASS_FRACTION_OF_AIR * surplusAir / 31.999;
            co2Percent = 100 * co2 / (co2 + so2 + n2 + o2);
        }
        double coPercent = conditions.coPpm() / 10_000;
        double vapourHeat = LATENT_HEAT + CP_WATER_VAPOUR * rise;

        Map<Loss, Double> losses = new EnumMap<>(Loss.class);
        losses.put(Loss.DRY_FLUE_GAS, 100 * dryFlueGas * CP_DRY_FLUE_GAS * rise / hhv);
        losses.put(Loss.HYDROGEN_COMBUSTION_MOISTURE, 100 * 9 * fuel.hydrogen() * vapourHeat / hhv);
        losses.put(Loss.FUEL_MOISTURE, 100 * fuel.moisture() * vapourHeat / hhv);
        losses.put(Loss.AIR_MOISTURE, 100 * actualAir * conditions.airHumidity() * CP_WATER_VAPOUR * rise / hhv);
        losses.put(Loss.CARBON_MONOXIDE, coPercent == 0 ? 0.0
                : 100 * coPercent / (coPercent + co2Percent) * carbon * CO_LOSS_PER_KG_CARBON / hhv);
        losses.put(Loss.RADIATION_CONVECTION, conditions.radiationLossPercent());
        losses.put(Loss.UNBURNED_CARBON, 100 * unburned * HHV_UNBURNED_CARBON / hhv);

        double total = losses.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total >= 100) {
            throw range("the losses add up to " + String.format(Locale.ROOT, "%.1f", total) + " % of the fuel's heat: "
                    + "check the fuel analysis, HHV and temperatures");
        }
        return new Result(theoreticalAir, excessAir * 100, actualAir, carbon, dryFlueGas, co2Percent, co2Measured,
                losses, total, 100 - total);
    }

    /**
     * The radiation and convection loss to assume when none is given, by boiler size (thermal output, MW). These are
     * indicative values chosen for this platform that fall with size as the ABMA radiation-loss chart in ASME PTC 4
     * does: 2.0 % up to 2 MW (the BEE figure for a small boiler), 1.5 % up to 10 MW, 1.0 % up to 50 MW, 0.5 % above;
     * 2.0 % when the size is unknown. Give a measured or manufacturer's value for reporting.
     *
     * @param boilerCapacityMw the boiler's rated thermal output, if known
     * @return the loss, %
     */
    public static double radiationLoss(OptionalDouble boilerCapacityMw) {
        if (boilerCapacityMw.isEmpty()) {
            return DEFAULT_RADIATION_LOSS;
        }
        double mw = boilerCapacityMw.getAsDouble();
        if (!(mw > 0)) {
            throw range("boiler_capacity_mw must be more than 0, got " + mw);
        }
        if (mw <= 2) {
            return 2.0;
        }
        if (mw <= 10) {
            return 1.5;
        }
        return mw <= 50 ? 1.0 : 0.5;
    }

    private static void fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw range(name + " must be a mass fraction in [0, 1], got " + value);
        }
    }

    private static GreenLangException range(String message) {
        return new GreenLangException(ErrorCode.PARAM_RANGE, message);
    }
}
