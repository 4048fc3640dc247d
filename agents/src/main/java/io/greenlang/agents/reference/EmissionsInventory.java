package io.greenlang.agents.reference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.greenlang.agents.sdk.Decimals;

/**
 * The arithmetic of GL-MRV-X-001, apart from S3 so it can be tested on its own: fuel use per row times the
 * {@link EmissionFactors} factor, summed per source, per fuel and in total. Exact decimal arithmetic throughout
 * ({@link BigDecimal}); tonnes are rounded half-up to 6 decimals (grams) only when reported.
 *
 * @param rows     data rows read
 * @param totalKg  kg CO2e of all rows
 * @param bySource kg CO2e per source and fuel, sources and fuels in name order
 * @param byFuel   per fuel and unit: quantity and kg CO2e, in name order
 */
record EmissionsInventory(long rows, BigDecimal totalKg, Map<String, Map<String, BigDecimal>> bySource,
                          Map<String, Map<EmissionFactors.Factor, Amount>> byFuel) {

    /** The columns the dataset must have (after normalisation). */
    static final List<String> COLUMNS = List.of("source", "fuel", "quantity", "unit");

    /** Reported precision of tonnes: 6 decimals, i.e. grams. */
    static final int TONNE_DIGITS = 6;

    /**
     * Fuel used and what it emitted.
     *
     * @param quantity fuel in the factor's unit
     * @param kg       kg CO2e
     */
    record Amount(BigDecimal quantity, BigDecimal kg) {
        Amount plus(BigDecimal q, BigDecimal k) {
            return new Amount(quantity.add(q), kg.add(k));
        }
    }

    /**
     * Reads a dataset with columns {@link #COLUMNS} (others ignored) and computes the inventory.
     *
     * @throws io.greenlang.common.error.GreenLangException GL-E-DATA-SCHEMA naming the row and line of the first
     *         defect: a missing column, a blank source, fuel or unit, a quantity that is not a non-negative decimal
     *         number, or a fuel and unit with no factor
     */
    static EmissionsInventory read(Reader csv) throws IOException {
        Csv.Parser parser = new Csv.Parser(csv instanceof BufferedReader ? csv : new BufferedReader(csv));
        Csv.Header header = null;
        int[] at = null;
        long rows = 0;
        BigDecimal total = BigDecimal.ZERO;
        Map<String, Map<String, BigDecimal>> bySource = new TreeMap<>();
        Map<String, Map<EmissionFactors.Factor, Amount>> byFuel = new TreeMap<>();
        Optional<Csv.Record> next;
        while ((next = parser.next()).isPresent()) {
            Csv.Record record = next.get();
            if (record.isBlank()) {
                continue;
            }
            if (header == null) {
                header = Csv.Header.of(record);
                at = header.require(COLUMNS);
                continue;
            }
            header.check(record);
            rows++;
            String source = record.fields().get(at[0]).strip();
            String fuel = record.fields().get(at[1]).strip();
            String quantityText = record.fields().get(at[2]).strip();
            String unit = record.fields().get(at[3]).strip();
            String row = "row " + rows + " (line " + record.line()
                    + (source.isEmpty() ? "" : ", source '" + source + "'") + ")";
            if (source.isEmpty() || fuel.isEmpty() || unit.isEmpty() || quantityText.isEmpty()) {
                throw Csv.schema(row + ": source, fuel, quantity and unit must all be given");
            }
            BigDecimal quantity = Decimals.parse(quantityText).orElseThrow(() -> Csv.schema(row + ": quantity '"
                    + quantityText + "' is not a decimal number ('.' as decimal separator)"));
            if (quantity.signum() < 0) {
                throw Csv.schema(row + ": quantity " + quantityText + " is negative");
            }
            EmissionFactors.Factor factor = EmissionFactors.find(fuel, unit)
                    .orElseThrow(() -> unknown(row, fuel, unit));
            BigDecimal kg = quantity.multiply(factor.kgCo2ePerUnit());
            total = total.add(kg);
            bySource.computeIfAbsent(source, s -> new TreeMap<>()).merge(factor.fuel(), kg, BigDecimal::add);
            byFuel.computeIfAbsent(factor.fuel(),
                            f -> new TreeMap<>(Comparator.comparing(EmissionFactors.Factor::unit)))
                    .merge(factor, new Amount(quantity, kg), (a, b) -> a.plus(b.quantity(), b.kg()));
        }
        if (header == null) {
            throw Csv.schema("the dataset is empty: it has no header line");
        }
        return new EmissionsInventory(rows, total, bySource, byFuel);
    }

    private static io.greenlang.common.error.GreenLangException unknown(String row, String fuel, String unit) {
        List<String> units = EmissionFactors.units(fuel);
        if (units.isEmpty()) {
            return Csv.schema(row + ": fuel '" + fuel + "' has no emission factor; known fuels: "
                    + EmissionFactors.fuels());
        }
        return Csv.schema(row + ": fuel '" + fuel + "' has no emission factor in unit '" + unit + "'; its units: "
                + units);
    }

    /** Total tonnes CO2e, rounded to grams. */
    BigDecimal totalTonnes() {
        return tonnes(totalKg);
    }

    static BigDecimal tonnes(BigDecimal kg) {
        BigDecimal t = kg.movePointLeft(3).setScale(TONNE_DIGITS, RoundingMode.HALF_UP);
        return t.signum() == 0 ? BigDecimal.ZERO : t.stripTrailingZeros();
    }

    /** The {@code breakdown.json} report. */
    ObjectNode toReport(String agentId, String agentVersion, String dataset) {
        ObjectNode report = Reports.object();
        report.put("agent_id", agentId);
        report.put("agent_version", agentVersion);
        report.put("dataset", dataset);
        report.put("factor_source", EmissionFactors.SOURCE);
        report.put("unit", "tCO2e");
        report.put("rows", rows);
        report.put("total_tco2e", totalTonnes());
        ArrayNode sources = report.putArray("by_source");
        bySource.forEach((source, fuels) -> {
            ObjectNode s = sources.addObject();
            s.put("source", source);
            s.put("tco2e", tonnes(fuels.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)));
            ArrayNode perFuel = s.putArray("fuels");
            fuels.forEach((fuel, kg) -> perFuel.addObject().put("fuel", fuel).put("tco2e", tonnes(kg)));
        });
        ArrayNode fuels = report.putArray("by_fuel");
        byFuel.forEach((fuel, amounts) -> {
            ObjectNode f = fuels.addObject();
            f.put("fuel", fuel);
            f.put("tco2e", tonnes(amounts.values().stream().map(Amount::kg).reduce(BigDecimal.ZERO, BigDecimal::add)));
            ArrayNode quantities = f.putArray("quantities");
            amounts.forEach((factor, amount) -> quantities.addObject()
                    .put("unit", factor.unit())
                    .put("quantity", amount.quantity().stripTrailingZeros())
                    .put("kg_co2e_per_unit", factor.kgCo2ePerUnit())
                    .put("factor_origin", factor.origin())
                    .put("tco2e", tonnes(amount.kg())));
        });
        return report;
    }
}
