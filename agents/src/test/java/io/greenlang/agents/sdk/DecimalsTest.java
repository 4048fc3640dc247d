package io.greenlang.agents.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalsTest {

    @ParameterizedTest
    @CsvSource({"1.50,1.5", "' 42 ',42", "+5,5", "-0,0", ".5,0.5", "2e3,2000", "1.25E-2,0.0125", "0.000,0", "7.,7"})
    void shouldWriteNumbersInTheirShortestPlainForm(String text, String expected) {
        assertThat(Decimals.parse(text)).map(Decimals::format).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,5", "1 000", "NaN", "Infinity", "0x10", "1d", "1f", "", " ", "e5", "1e", "--1", "1e99999"})
    void shouldRejectTextThatIsNotADotDecimalNumber(String text) {
        assertThat(Decimals.parse(text)).isEmpty();
    }

    @Test
    void shouldUseScientificNotationOnlyForVeryLargeOrSmallNumbers() {
        assertThat(Decimals.format(new BigDecimal("1e25"))).isEqualTo("1E+25");
        assertThat(Decimals.format(new BigDecimal("1e20"))).isEqualTo("100000000000000000000");
    }

    @Test
    void shouldRoundHalfUpToTheGivenDigits() {
        assertThat(Decimals.format(81.465, 2)).isEqualTo("81.47");
        assertThat(Decimals.format(2.0, 2)).isEqualTo("2");
    }
}
