package io.greenlang.agents.reference;

import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentContext;
import io.greenlang.agents.sdk.Decimals;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * GL-002, boiler efficiency by the indirect (heat-loss) method, HHV basis; the method and its formulas are on
 * {@link BoilerEfficiency}.
 *
 * <p>Inputs (step inputs or run parameters; numbers with {@code .} as decimal separator):
 * <ul>
 *   <li>fuel: {@code fuel} = {@code natural_gas} | {@code fuel_oil} | {@code coal} (a preset analysis), and/or the
 *       analysis itself as mass fractions {@code fuel_carbon}, {@code fuel_hydrogen}, {@code fuel_sulphur},
 *       {@code fuel_oxygen}, {@code fuel_nitrogen}, {@code fuel_moisture}, {@code fuel_ash} with
 *       {@code hhv_mj_per_kg}; given values override the preset's; without a preset, {@code fuel_carbon},
 *       {@code fuel_hydrogen} and {@code hhv_mj_per_kg} are required and the others default to 0;</li>
 *   <li>{@code flue_gas_temp_c}, {@code ambient_temp_c} (required);</li>
 *   <li>{@code o2_percent_dry} or {@code excess_air_percent} (exactly one);</li>
 *   <li>optional: {@code co_ppm}, {@code co2_percent_dry} (else computed), {@code air_humidity_kg_per_kg} (else no
 *       air-moisture loss), {@code radiation_loss_percent} (else from {@code boiler_capacity_mw}, else 2 %),
 *       {@code unburned_carbon_percent} (kg per 100 kg fuel), {@code emissions_tco2e} (carried into the report, e.g.
 *       GL-MRV-X-001's {@code total_tco2e}).</li>
 * </ul>
 *
 * <p>Outputs: {@code efficiency_percent} and {@code total_loss_percent} (2 decimals), {@code report} (URI of
 * {@code artifacts/efficiency.json}: inputs, every loss and the intermediate values).
 *
 * <p>Errors: {@code GL-E-PARAM-MISSING} for a missing required input, {@code GL-E-PARAM-TYPE} for a value that is
 * not a number, {@code GL-E-PARAM-RANGE} for an unknown fuel or a physically impossible value (flue gas not warmer
 * than ambient air, O2 at or above 21 %, fractions adding up to more than 1, ...).
 */
public final class BoilerEfficiencyAgent implements Agent {

    /** The agent id. */
    public static final String ID = "GL-002";
    /** The artifact name (under {@code artifacts/}). */
    public static final String ARTIFACT = "efficiency.json";

    private static final Logger log = LoggerFactory.getLogger(BoilerEfficiencyAgent.class);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Boiler efficiency: indirect (heat-loss) method, HHV basis (BEE / BS 845), losses in efficiency.json";
    }

    @Override
    public void run(AgentContext context) {
        BoilerEfficiency.Fuel fuel = fuel(context);
        OptionalDouble radiationGiven = context.number("radiation_loss_percent");
        OptionalDouble capacity = context.number("boiler_capacity_mw");
        String radiationBasis = radiationGiven.isPresent() ? "given"
                : capacity.isPresent() ? "default for a " + Decimals.format(capacity.getAsDouble(), 3) + " MW boiler"
                : "default for a small boiler (size not given)";
        double radiation = radiationGiven.isPresent() ? radiationGiven.getAsDouble()
                : BoilerEfficiency.radiationLoss(capacity);
        BoilerEfficiency.Conditions conditions = new BoilerEfficiency.Conditions(
                context.requireNumber("flue_gas_temp_c"), context.requireNumber("ambient_temp_c"),
                context.number("o2_percent_dry"), context.number("excess_air_percent"),
                context.number("co_ppm").orElse(0), context.number("co2_percent_dry"),
                context.number("air_humidity_kg_per_kg").orElse(0), radiation, radiationBasis,
                context.number("unburned_carbon_percent").orElse(0));
        Optional<String> emissions = context.input("emissions_tco2e");
        if (emissions.isPresent() && Decimals.parse(emissions.get()).isEmpty()) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "input 'emissions_tco2e' must be a decimal number, got '"
                    + emissions.get() + "'");
        }

        BoilerEfficiency.Result result = BoilerEfficiency.calculate(fuel, conditions);
        ObjectNode report = report(fuel, conditions, result, emissions);
        S3Location written = context.writeArtifact(ARTIFACT, Reports.bytes(report), "application/json");
        log.info("{}: efficiency {} %, losses {} %", fuel.name(), Decimals.format(result.efficiencyPercent(), 2),
                Decimals.format(result.totalLossPercent(), 2));
        context.output("efficiency_percent", Decimals.format(result.efficiencyPercent(), 2));
        context.output("total_loss_percent", Decimals.format(result.totalLossPercent(), 2));
        context.output("report", written.uri());
    }

    /** The fuel: a preset, with any analysis values given overriding it, or a full analysis. */
    static BoilerEfficiency.Fuel fuel(AgentContext context) {
        Optional<String> name = context.input("fuel");
        BoilerEfficiency.Fuel base = name.map(n -> BoilerEfficiency.Fuel.preset(n).orElseThrow(() ->
                new GreenLangException(ErrorCode.PARAM_RANGE, "fuel '" + n + "' is not one of natural_gas, "
                        + "fuel_oil, coal; or give the analysis (fuel_carbon, fuel_hydrogen, ..., hhv_mj_per_kg)")))
                .orElse(null);
        if (base == null) {
            return new BoilerEfficiency.Fuel("custom", context.requireNumber("fuel_carbon"),
                    context.requireNumber("fuel_hydrogen"), context.number("fuel_sulphur").orElse(0),
                    context.number("fuel_oxygen").orElse(0), context.number("fuel_nitrogen").orElse(0),
                    context.number("fuel_moisture").orElse(0), context.number("fuel_ash").orElse(0),
                    context.requireNumber("hhv_mj_per_kg"));
        }
        boolean overridden = context.input("fuel_carbon").isPresent() || context.input("fuel_hydrogen").isPresent()
                || context.input("fuel_sulphur").isPresent() || context.input("fuel_oxygen").isPresent()
                || context.input("fuel_nitrogen").isPresent() || context.input("fuel_moisture").isPresent()
                || context.input("fuel_ash").isPresent() || context.input("hhv_mj_per_kg").isPresent();
        return new BoilerEfficiency.Fuel(overridden ? base.name() + " (adjusted)" : base.name(),
                context.number("fuel_carbon").orElse(base.carbon()),
                context.number("fuel_hydrogen").orElse(base.hydrogen()),
                context.number("fuel_sulphur").orElse(base.sulphur()),
                context.number("fuel_oxygen").orElse(base.oxygen()),
                context.number("fuel_nitrogen").orElse(base.nitrogen()),
                context.number("fuel_moisture").orElse(base.moisture()),
                context.number("fuel_ash").orElse(base.ash()),
                context.number("hhv_mj_per_kg").orElse(base.hhvMjPerKg()));
    }

    private ObjectNode report(BoilerEfficiency.Fuel fuel, BoilerEfficiency.Conditions c, BoilerEfficiency.Result r,
                              Optional<String> emissions) {
        ObjectNode report = Reports.object();
        report.put("agent_id", ID);
        report.put("agent_version", version());
        report.put("method", "indirect (heat-loss) method, HHV basis; BEE Book 4 ch. 1 / IS 8753 / BS 845 simplified "
                + "formulas");
        ObjectNode f = report.putObject("fuel");
        f.put("name", fuel.name());
        f.put("carbon", fuel.carbon());
        f.put("hydrogen", fuel.hydrogen());
        f.put("sulphur", fuel.sulphur());
        f.put("oxygen", fuel.oxygen());
        f.put("nitrogen", fuel.nitrogen());
        f.put("moisture", fuel.moisture());
        f.put("ash", fuel.ash());
        f.put("hhv_mj_per_kg", Reports.round(fuel.hhvMjPerKg(), 5));
        ObjectNode m = report.putObject("conditions");
        m.put("flue_gas_temp_c", c.flueGasTempC());
        m.put("ambient_temp_c", c.ambientTempC());
        c.o2PercentDry().ifPresent(v -> m.put("o2_percent_dry", v));
        c.excessAirPercent().ifPresent(v -> m.put("excess_air_percent", v));
        m.put("co_ppm", c.coPpm());
        c.co2PercentDry().ifPresent(v -> m.put("co2_percent_dry", v));
        m.put("air_humidity_kg_per_kg", c.airHumidity());
        m.put("radiation_loss_percent", c.radiationLossPercent());
        m.put("radiation_loss_basis", c.radiationBasis());
        m.put("unburned_carbon_percent", c.unburnedCarbonPercent());
        ObjectNode i = report.putObject("intermediate");
        i.put("theoretical_air_kg_per_kg_fuel", Reports.round(r.theoreticalAir(), 4));
        i.put("excess_air_percent", Reports.round(r.excessAirPercent(), 3));
        i.put("actual_air_kg_per_kg_fuel", Reports.round(r.actualAir(), 4));
        i.put("burned_carbon_kg_per_kg_fuel", Reports.round(r.burnedCarbon(), 5));
        i.put("dry_flue_gas_kg_per_kg_fuel", Reports.round(r.dryFlueGas(), 4));
        i.put("co2_percent_dry", Reports.round(r.co2PercentDry(), 3));
        i.put("co2_percent_dry_basis", r.co2Measured() ? "measured" : "computed from the mass balance");
        ObjectNode losses = report.putObject("losses_percent");
        for (BoilerEfficiency.Loss loss : BoilerEfficiency.Loss.values()) {
            losses.put(loss.key(), Reports.round(r.loss(loss), 4));
        }
        report.put("total_loss_percent", Reports.round(r.totalLossPercent(), 4));
        report.put("efficiency_percent", Reports.round(r.efficiencyPercent(), 4));
        emissions.ifPresent(e -> report.put("emissions_tco2e", Decimals.parse(e).orElseThrow()));
        return report;
    }
}
