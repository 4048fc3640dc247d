package io.greenlang.agents.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/** CSV normalisation of GL-DATA-X-001. */
class DataLoaderNormalisationTest {

    private static String normalise(String csv, String... required) throws IOException {
        StringWriter out = new StringWriter();
        DataLoaderAgent.normalise(new StringReader(csv), out, List.of(required));
        return out.toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Source|source", "' Fuel Type '|fuel_type", "fuelType|fuel_type", "Quantity (kWh)|quantity_kwh",
            "Volume m³|volume_m3", "CO2-e / t|co2_e_t", "Émissions|emissions", "__id__|id"})
    void shouldNormaliseColumnNamesToLowerSnakeCase(String raw, String expected) {
        assertThat(Csv.columnName(raw)).isEqualTo(expected);
    }

    @Test
    void shouldTrimCellsNormaliseNumbersAndDropEmptyRows() throws IOException {
        String csv = "\uFEFFSource , Fuel,Quantity,Unit\r\n"
                + " boiler-1 , natural_gas , 1200.50 ,m3\r\n"
                + ",,,\r\n"
                + "\r\n"
                + "boiler-2,diesel,+2e2,l\r\n";

        assertThat(normalise(csv)).isEqualTo("source,fuel,quantity,unit\n"
                + "boiler-1,natural_gas,1200.5,m3\n"
                + "boiler-2,diesel,200,l\n");
    }

    @Test
    void shouldKeepIntegersWithALeadingZeroAsIdentifiers() throws IOException {
        assertThat(normalise("site,value\n007,0.50\n")).isEqualTo("site,value\n007,0.5\n");
    }

    @Test
    void shouldLeaveCommaDecimalsAsText() throws IOException {
        assertThat(normalise("a,b\n\"1,5\",x\n")).isEqualTo("a,b\n\"1,5\",x\n");
    }

    @Test
    void shouldKeepQuotedCommasLineBreaksAndQuotesAndQuoteThemAgain() throws IOException {
        String csv = "name,note\n\"Boiler \"\"A\"\"\",\"line one\nline two, still\"\nplain, \"quoted after space\"\n";

        assertThat(normalise(csv)).isEqualTo("name,note\n\"Boiler \"\"A\"\"\",\"line one\nline two, still\"\n"
                + "plain,quoted after space\n");
    }

    @Test
    void shouldReportAnUnclosedQuoteWithItsLine() {
        assertSchemaError(() -> normalise("a,b\n1,2\n3,\"open\n"), "line 3", "not closed");
    }

    @Test
    void shouldReportARowWithTheWrongNumberOfFieldsWithItsLine() {
        assertSchemaError(() -> normalise("a,b\n1,2\n\"x\ny\",2,3\n"), "line 3 has 3 field(s)", "2 column(s)");
    }

    @Test
    void shouldReportAMissingRequiredColumnComparedAfterNormalisation() throws IOException {
        assertThat(normalise("Fuel Type,Quantity\nx,1\n", "fuel_type", "quantity")).startsWith("fuel_type,quantity\n");
        assertSchemaError(() -> normalise("Fuel,Quantity\nx,1\n", "fuel", "unit"), "lacks the required column", "unit");
    }

    @Test
    void shouldReportColumnsThatCollideOnceNormalised() {
        assertSchemaError(() -> normalise("Fuel Type,fuel_type\n1,2\n"), "columns 1 and 2 are both 'fuel_type'");
    }

    @Test
    void shouldReportANamelessColumn() {
        assertSchemaError(() -> normalise("a,,c\n1,2,3\n"), "column 2 has no name");
    }

    @Test
    void shouldReportAnEmptyDataset() {
        assertSchemaError(() -> normalise("\n ,\n"), "no header");
    }

    @Test
    void shouldReportTextAfterAClosingQuote() {
        assertSchemaError(() -> normalise("a,b\n\"x\"y,1\n"), "line 2", "after a closing quote");
    }

    private static void assertSchemaError(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GreenLangException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA);
            assertThat(e.getMessage()).contains(fragments);
        });
    }
}
