package io.greenlang.streams.plant;

import java.util.Optional;

/**
 * The tag-name convention the plant topology understands; the plant simulator and the scada-bridge tag maps
 * name their tags this way. A tag name is {@code <asset>.<quantity>}: the asset is {@value #PLANT} for
 * plant-wide tags, otherwise a boiler id (e.g. {@code B1}; any name without a dot other than {@value #PLANT}).
 * Quantity suffixes are lower case with the engineering unit last. Tags the topology does not know are kept in
 * {@code PlantState.tags} and aggregated like any other, but do not feed the derived quantities.
 *
 * <ul>
 *   <li>{@code <boiler>.heat_output_mw}: heat the boiler delivers, MW thermal; their sum is the plant's heat
 *       supply.</li>
 *   <li>{@code <boiler>.fuel_input_mw}: fuel energy into the boiler (fuel flow times heating value), MW; the
 *       plant's efficiency is total heat output over total fuel input.</li>
 *   <li>{@code <boiler>.drum_pressure_bar}: drum pressure, bar (gauge); above the limit raises
 *       PRESSURE_HIGH.</li>
 *   <li>{@code <boiler>.drum_pressure_limit_bar}: optional per-boiler pressure limit, bar; absent, the
 *       topology's configured limit applies.</li>
 *   <li>{@code <boiler>.trip}: 1 while the boiler is tripped, 0 otherwise; a tripped boiler supplies no heat
 *       whatever its last heat output reading says.</li>
 *   <li>{@code <boiler>.steam_flow_kg_s}, {@code <boiler>.steam_temperature_c}, {@code <boiler>.fuel_flow_kg_s},
 *       {@code <boiler>.flue_gas_o2_pct}, {@code <boiler>.flue_gas_temperature_c}: kept and aggregated, not
 *       derived from.</li>
 *   <li>{@code plant.heat_demand_mw}: heat demanded from the plant, MW thermal.</li>
 *   <li>{@code plant.critical_heat_demand_mw}: the part of the demand that must never go unserved (life and
 *       product safety); supply below it raises HEAT_LOSS. Absent, the whole demand times the configured
 *       critical fraction applies.</li>
 * </ul>
 */
public final class PlantTags {

    /** Asset name of plant-wide tags. */
    public static final String PLANT = "plant";
    /** Suffix of a boiler's heat output, MW thermal. */
    public static final String HEAT_OUTPUT_MW = "heat_output_mw";
    /** Suffix of a boiler's fuel energy input, MW. */
    public static final String FUEL_INPUT_MW = "fuel_input_mw";
    /** Suffix of a boiler's drum pressure, bar. */
    public static final String DRUM_PRESSURE_BAR = "drum_pressure_bar";
    /** Suffix of a boiler's own drum pressure limit, bar (optional). */
    public static final String DRUM_PRESSURE_LIMIT_BAR = "drum_pressure_limit_bar";
    /** Suffix of a boiler's trip status: 1 tripped, 0 running. */
    public static final String TRIP = "trip";
    /** Suffix of a boiler's steam flow, kg/s. */
    public static final String STEAM_FLOW_KG_S = "steam_flow_kg_s";
    /** Suffix of a boiler's steam temperature, degrees Celsius. */
    public static final String STEAM_TEMPERATURE_C = "steam_temperature_c";
    /** Suffix of a boiler's fuel flow, kg/s. */
    public static final String FUEL_FLOW_KG_S = "fuel_flow_kg_s";
    /** Suffix of a boiler's flue-gas oxygen, percent by volume. */
    public static final String FLUE_GAS_O2_PCT = "flue_gas_o2_pct";
    /** Suffix of a boiler's flue-gas temperature, degrees Celsius. */
    public static final String FLUE_GAS_TEMPERATURE_C = "flue_gas_temperature_c";
    /** The plant's heat demand, MW thermal. */
    public static final String HEAT_DEMAND_MW = PLANT + ".heat_demand_mw";
    /** The plant's critical heat demand, MW thermal (optional). */
    public static final String CRITICAL_HEAT_DEMAND_MW = PLANT + ".critical_heat_demand_mw";

    private PlantTags() {
    }

    /** The tag name of {@code quantity} (one of the suffixes above) of {@code boiler}, e.g. {@code B1.trip}. */
    public static String boilerTag(String boiler, String quantity) {
        if (boiler.isEmpty() || boiler.contains(".") || PLANT.equals(boiler)) {
            throw new IllegalArgumentException("not a boiler id: '" + boiler + "'");
        }
        return boiler + "." + quantity;
    }

    /** The boiler of a boiler tag with the given quantity suffix, or empty when {@code tag} is not one. */
    public static Optional<String> boilerOf(String tag, String quantity) {
        int dot = tag.indexOf('.');
        if (dot <= 0 || !tag.substring(dot + 1).equals(quantity)) {
            return Optional.empty();
        }
        String asset = tag.substring(0, dot);
        return PLANT.equals(asset) ? Optional.empty() : Optional.of(asset);
    }
}
