package io.greenlang.agents.reference;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The emission factors of GL-MRV-X-001: kg CO2e per unit of fuel burned, declared once here; the table in
 * {@code docs/agents.md} is {@link #toMarkdown()} (a test keeps the two equal).
 *
 * <p>Source: UK Government GHG Conversion Factors for Company Reporting 2024 (Department for Energy Security and Net
 * Zero, DESNZ, with Defra), full set v1.1 of 30 October 2024, sheet "Fuels", column "kg CO2e" (scope 1: CO2 plus CH4
 * and N2O weighted with IPCC AR5 GWPs). Diesel and petrol are the "average biofuel blend" rows, the factors DESNZ
 * gives for fuel bought at UK forecourts; natural gas is the "Natural gas" row (mains gas, with its small biogas
 * share) and kWh is on a gross calorific value basis, as UK gas bills are. The therm factor is not in the sheet: it
 * is derived here from the kWh factor and 1 therm = 29.3071 kWh. The factors apply to UK fuels for reporting year
 * 2024; other years and countries need their own table.
 */
public final class EmissionFactors {

    /** Citation of the table, as written into every breakdown. */
    public static final String SOURCE = "UK Government GHG Conversion Factors for Company Reporting 2024 (DESNZ), "
            + "full set v1.1, sheet Fuels, column kg CO2e (scope 1; CO2, CH4, N2O with IPCC AR5 GWPs)";

    /** kWh in one therm (105.505585 MJ). */
    static final BigDecimal KWH_PER_THERM = new BigDecimal("29.3071");

    private static final BigDecimal NATURAL_GAS_KWH_GROSS = new BigDecimal("0.18290");

    /**
     * One factor.
     *
     * @param fuel            the fuel, lower_snake_case
     * @param unit            the unit of quantity: {@code m3}, {@code kWh}, {@code therm}, {@code l}, {@code kg}
     * @param kgCo2ePerUnit   kg CO2e per unit
     * @param origin          where in the source the value comes from, or how it is derived
     */
    public record Factor(String fuel, String unit, BigDecimal kgCo2ePerUnit, String origin) {
    }

    private static final List<Factor> FACTORS = List.of(
            new Factor("natural_gas", "m3", new BigDecimal("2.04542"), "Gaseous fuels, Natural gas, cubic metres"),
            new Factor("natural_gas", "kWh", NATURAL_GAS_KWH_GROSS, "Gaseous fuels, Natural gas, kWh (Gross CV)"),
            new Factor("natural_gas", "therm", NATURAL_GAS_KWH_GROSS.multiply(KWH_PER_THERM)
                    .setScale(5, RoundingMode.HALF_UP), "derived: kWh (Gross CV) factor x 29.3071 kWh/therm"),
            new Factor("diesel", "l", new BigDecimal("2.51279"),
                    "Liquid fuels, Diesel (average biofuel blend), litres"),
            new Factor("petrol", "l", new BigDecimal("2.08440"),
                    "Liquid fuels, Petrol (average biofuel blend), litres"),
            new Factor("lpg", "l", new BigDecimal("1.55713"), "Gaseous fuels, LPG, litres"),
            new Factor("fuel_oil", "l", new BigDecimal("3.17493"), "Liquid fuels, Fuel oil, litres"),
            new Factor("coal", "kg", new BigDecimal("2.39944"),
                    "Solid fuels, Coal (industrial), tonnes: 2399.44 kg CO2e/t / 1000"));

    /** Spellings accepted for each unit, after lower-casing and folding ({@code m³} is {@code m3}). */
    private static final Map<String, String> UNIT_ALIASES = Map.ofEntries(
            Map.entry("m3", "m3"), Map.entry("cubic_metre", "m3"), Map.entry("cubic_metres", "m3"),
            Map.entry("cubic_meter", "m3"), Map.entry("cubic_meters", "m3"),
            Map.entry("kwh", "kWh"),
            Map.entry("therm", "therm"), Map.entry("therms", "therm"),
            Map.entry("l", "l"), Map.entry("litre", "l"), Map.entry("litres", "l"), Map.entry("liter", "l"),
            Map.entry("liters", "l"),
            Map.entry("kg", "kg"), Map.entry("kilogram", "kg"), Map.entry("kilograms", "kg"));

    private EmissionFactors() {
    }

    /** Every factor, in table order. */
    public static List<Factor> all() {
        return FACTORS;
    }

    /** The factor for a fuel and unit as they appear in a dataset (spelling normalised), if there is one. */
    public static Optional<Factor> find(String fuel, String unit) {
        String f = Csv.columnName(fuel);
        Optional<String> u = unit(unit);
        return u.flatMap(canonical -> FACTORS.stream().filter(x -> x.fuel().equals(f) && x.unit().equals(canonical))
                .findFirst());
    }

    /** The canonical unit for a spelling, if known. */
    static Optional<String> unit(String spelling) {
        String folded = Normalizer.normalize(spelling.strip(), Normalizer.Form.NFKD).toLowerCase(Locale.ROOT)
                .replaceAll("\\s+", "_");
        return Optional.ofNullable(UNIT_ALIASES.get(folded));
    }

    /** The fuels of the table. */
    public static List<String> fuels() {
        return FACTORS.stream().map(Factor::fuel).distinct().sorted().toList();
    }

    /** The units the table has for {@code fuel} (normalised), possibly none. */
    public static List<String> units(String fuel) {
        String f = Csv.columnName(fuel);
        return FACTORS.stream().filter(x -> x.fuel().equals(f)).map(Factor::unit).toList();
    }

    /** The table as Markdown, for {@code docs/agents.md}. */
    public static String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("| fuel | unit | kg CO2e per unit | source row |\n");
        md.append("|---|---|---|---|\n");
        for (Factor f : FACTORS) {
            md.append("| `").append(f.fuel()).append("` | `").append(f.unit()).append("` | ")
                    .append(f.kgCo2ePerUnit().toPlainString()).append(" | ").append(f.origin()).append(" |\n");
        }
        return md.toString();
    }
}
