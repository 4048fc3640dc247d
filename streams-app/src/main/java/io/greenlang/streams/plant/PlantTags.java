package io.greenlang.streams.plant;

import java.util.Optional;

/**
 * The tag-name convention the plant topology understands; the plant simulator and the scada-bridge tag maps
 * name their tags this way. A tag name is {@code <asset>.<quantity>}: the asset is {@value #PLANT} for
 * plant-wide tags, otherwise a boiler id (e.g. {@code B1}; any name without a dot other than {@value #PLANT}).
 * Quantity suffixes are upper case, dotted (system, then quantity with the engineering unit last), as the plant
 * simulator and typical SCADA tag lists name them. Tags the topology does not know are kept in
 * {@code PlantState.tags} and aggregated like any other, but do not feed the derived quantities.
 *
 * <ul>
 *   <li>{@code <boiler>.HEAT.OUTPUT_MW}: heat the boiler delivers, MW thermal; their sum is the plant's heat
 *       supply.</li>
 *   <li>{@code <boiler>.FUEL.INPUT_MW}: fuel energy into the boiler (fuel flow times heating value), MW; the
 *       plant's efficiency is total heat output over total fuel input.</li>
 *   <li>{@code <boiler>.DRUM.PRESSURE_BAR}: drum pressure, bar (gauge); above the limit raises
 *       PRESSURE_HIGH.</li>
 *   <li>{@code <boiler>.DRUM.PRESSURE_LIMIT_BAR}: optional per-boiler pressure limit, bar; absent, the
 *       topology's configured limit applies.</li>
 *   <li>{@code <boiler>.STATUS.TRIPPED}: 1 while the boiler is tripped, 0 otherwise; a tripped boiler supplies no heat
 *       whatever its last heat output reading says.</li>
 *   <li>{@code <boiler>.STEAM.FLOW_TPH}, {@code <boiler>.STEAM.TEMP_C}, {@code <boiler>.FUEL.FLOW_KGS},
 *       {@code <boiler>.FLUE.O2_PCT}, {@code <boiler>.FLUE.TEMP_C}: kept and aggregated, not
 *       derived from.</li>
 *   <li>{@code PLANT.HEAT.DEMAND_MW}: heat demanded from the plant, MW thermal.</li>
 *   <li>{@code PLANT.HEAT.CRITICAL_DEMAND_MW}: the part of the demand that must never go unserved (life and
 *       product safety); supply below it raises HEAT_LOSS. Absent, the whole demand times the configured
 *       critical fraction applies.</li>
 * </ul>
 */
public final class PlantTags {

    /** Asset name of plant-wide tags. */
    public static final String PLANT = "PLANT";
    /** Suffix of a boiler's heat output, MW thermal. */
    public static final String HEAT_OUTPUT_MW = "HEAT.OUTPUT_MW";
    /** Suffix of a boiler's fuel energy input, MW. */
    public static final String FUEL_INPUT_MW = "FUEL.INPUT_MW";
    /** Suffix of a boiler's drum pressure, bar. */
    public static final String DRUM_PRESSURE_BAR = "DRUM.PRESSURE_BAR";
    /** Suffix of a boiler's own drum pressure limit, bar (optional). */
    public static final String DRUM_PRESSURE_LIMIT_BAR = "DRUM.PRESSURE_LIMIT_BAR";
    /** Suffix of a boiler's trip status: 1 tripped, 0 running. */
    public static final String TRIP = "STATUS.TRIPPED";
    /** Suffix of a boiler's steam flow, tonnes per hour. */
    public static final String STEAM_FLOW_TPH = "STEAM.FLOW_TPH";
    /** Suffix of a boiler's steam temperature, degrees Celsius. */
    public static final String STEAM_TEMPERATURE_C = "STEAM.TEMP_C";
    /** Suffix of a boiler's fuel flow, kg/s. */
    public static final String FUEL_FLOW_KG_S = "FUEL.FLOW_KGS";
    /** Suffix of a boiler's flue-gas oxygen, percent by volume. */
    public static final String FLUE_GAS_O2_PCT = "FLUE.O2_PCT";
    /** Suffix of a boiler's flue-gas temperature, degrees Celsius. */
    public static final String FLUE_GAS_TEMPERATURE_C = "FLUE.TEMP_C";
    /** The plant's heat demand, MW thermal. */
    public static final String HEAT_DEMAND_MW = PLANT + ".HEAT.DEMAND_MW";
    /** The plant's critical heat demand, MW thermal (optional). */
    public static final String CRITICAL_HEAT_DEMAND_MW = PLANT + ".HEAT.CRITICAL_DEMAND_MW";

    private PlantTags() {
    }

    /** The tag name of {@code quantity} (one of the suffixes above) of {@code boiler}, e.g. {@code B1.STATUS.TRIPPED}. */
    public static String boilerTag(String boiler, String quantity) {
        if (boiler.isEmpty() || boiler.contains(".") || PLANT.equals(boiler)) {
            throw new IllegalArgumentException("not a boiler id: '" + boiler + "'");
        }
        return boiler + "." + quantity;
    }

    /** The boiler of a boiler tag with the given quantity suffix, or empty when {@code tag} is not one. */
    public static Optional<String> boilerOf(String tag, String quantity) {
        // the asset is everything before the first dot; quantities may contain dots themselves
        int dot = tag.indexOf('.');
        if (dot <= 0 || !tag.substring(dot + 1).equals(quantity)) {
            return Optional.empty();
        }
        String asset = tag.substring(0, dot);
        return PLANT.equals(asset) ? Optional.empty() : Optional.of(asset);
    }
}
