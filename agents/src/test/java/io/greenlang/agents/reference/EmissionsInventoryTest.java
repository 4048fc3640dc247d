package io.greenlang.agents.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/** The MRV arithmetic: fuel use x DESNZ 2024 factors, exact decimals, tonnes to 6 decimals. */
class EmissionsInventoryTest {

    private static EmissionsInventory read(String csv) throws IOException {
        return EmissionsInventory.read(new StringReader(csv));
    }

    @Test
    void shouldMultiplyFuelUseByTheFactorAndReportTonnes() throws IOException {
        // 1000 m3 x 2.04542 kg/m3 = 2045.42 kg; 100 l diesel x 2.51279 = 251.279 kg; 500 kg coal x 2.39944 = 1199.72 kg
        EmissionsInventory inventory = read("source,fuel,quantity,unit\n"
                + "boiler-1,natural_gas,1000,m3\n"
                + "generator,diesel,100,l\n"
                + "boiler-2,coal,500,kg\n");

        assertThat(inventory.totalKg()).isEqualByComparingTo("3496.419");
        assertThat(inventory.totalTonnes()).isEqualByComparingTo("3.496419");
        assertThat(inventory.rows()).isEqualTo(3);
        assertThat(inventory.bySource()).containsOnlyKeys("boiler-1", "boiler-2", "generator");
    }

    @Test
    void shouldSumPerSourceAndPerFuelAcrossRowsAndUnits() throws IOException {
        EmissionsInventory inventory = read("source,fuel,quantity,unit\n"
                + "boiler-1,natural_gas,10,kWh\n"
                + "boiler-1,natural_gas,2,therm\n"
                + "boiler-1,lpg,3,l\n"
                + "boiler-2,natural_gas,5,kWh\n");

        // 10 x 0.18290 + 2 x 5.36027 = 1.829 + 10.72054; lpg 3 x 1.55713 = 4.67139; boiler-2 5 x 0.18290 = 0.9145
        assertThat(inventory.bySource().get("boiler-1").get("natural_gas")).isEqualByComparingTo("12.54954");
        assertThat(inventory.bySource().get("boiler-1").get("lpg")).isEqualByComparingTo("4.67139");
        assertThat(inventory.bySource().get("boiler-2").get("natural_gas")).isEqualByComparingTo("0.9145");
        assertThat(inventory.byFuel().get("natural_gas")).hasSize(2);
        assertThat(inventory.totalKg()).isEqualByComparingTo("18.13543");
    }

    @Test
    void shouldDeriveTheThermFactorFromTheKwhFactor() {
        // 0.18290 kg/kWh x 29.3071 kWh/therm = 5.36026859, rounded to the table's 5 decimals
        assertThat(EmissionFactors.find("natural_gas", "therm")).get()
                .extracting(EmissionFactors.Factor::kgCo2ePerUnit).isEqualTo(new BigDecimal("5.36027"));
    }

    @Test
    void shouldAcceptCommonSpellingsOfFuelsAndUnits() throws IOException {
        EmissionsInventory inventory = read("Source,Fuel,Quantity,Unit\n"
                + "van,Petrol,10,Litres\n"
                + "boiler,Natural Gas,1,m³\n"
                + "heater,fuel oil,1,liter\n");

        // 10 x 2.08440 + 2.04542 + 3.17493
        assertThat(inventory.totalKg()).isEqualByComparingTo("26.06435");
    }

    @Test
    void shouldRoundTonnesHalfUpToGrams() throws IOException {
        // 0.0001 kWh x 0.18290 = 0.00001829 kg = 0.00000001829 t -> 0 at 6 decimals; 3 kWh -> 0.0005487 t -> 0.000549
        assertThat(read("source,fuel,quantity,unit\na,natural_gas,3,kWh\n").totalTonnes())
                .isEqualByComparingTo("0.000549");
        assertThat(read("source,fuel,quantity,unit\na,natural_gas,0.0001,kWh\n").totalTonnes())
                .isEqualByComparingTo("0");
    }

    @Test
    void shouldReportDataSchemaErrorForUnknownFuel() {
        assertThatThrownBy(() -> read("source,fuel,quantity,unit\nb1,natural_gas,1,m3\nb2,wood,5,kg\n"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA);
                    assertThat(e.getMessage()).contains("row 2 (line 3, source 'b2')", "fuel 'wood'", "known fuels");
                });
    }

    @Test
    void shouldReportDataSchemaErrorForAUnitTheFuelHasNoFactorFor() {
        assertThatThrownBy(() -> read("source,fuel,quantity,unit\ngen,diesel,5,m3\n"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA);
                    assertThat(e.getMessage()).contains("row 1 (line 2, source 'gen')", "unit 'm3'", "[l]");
                });
    }

    @Test
    void shouldReportDataSchemaErrorForANegativeOrNonNumericQuantity() {
        assertThatThrownBy(() -> read("source,fuel,quantity,unit\ngen,diesel,-5,l\n"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.getMessage()).contains("row 1", "negative"));
        assertThatThrownBy(() -> read("source,fuel,quantity,unit\ngen,diesel,\"1,5\",l\n"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA);
                    assertThat(e.getMessage()).contains("row 1", "'1,5' is not a decimal number");
                });
    }

    @Test
    void shouldReportDataSchemaErrorForAMissingColumn() {
        assertThatThrownBy(() -> read("source,fuel,quantity\nb,diesel,1\n"))
                .isInstanceOfSatisfying(GreenLangException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA);
                    assertThat(e.getMessage()).contains("[unit]");
                });
    }

    @Test
    void shouldWriteTheBreakdownPerSourceAndFuelWithTheFactorsUsed() throws IOException {
        EmissionsInventory inventory = read("source,fuel,quantity,unit\nb1,natural_gas,1000,m3\nb1,diesel,100,l\n");

        JsonNode report = JsonMapper.builder().build()
                .readTree(Reports.bytes(inventory.toReport("GL-MRV-X-001", "1.0.0", "s3://b/k.csv")));

        assertThat(report.get("total_tco2e").decimalValue()).isEqualByComparingTo("2.296699");
        assertThat(report.get("factor_source").asText()).contains("2024", "DESNZ");
        assertThat(report.at("/by_source/0/source").asText()).isEqualTo("b1");
        assertThat(report.at("/by_source/0/fuels/0/fuel").asText()).isEqualTo("diesel");
        assertThat(report.at("/by_source/0/fuels/0/tco2e").decimalValue()).isEqualByComparingTo("0.251279");
        assertThat(report.at("/by_fuel/1/quantities/0/kg_co2e_per_unit").decimalValue())
                .isEqualByComparingTo("2.04542");
    }
}
