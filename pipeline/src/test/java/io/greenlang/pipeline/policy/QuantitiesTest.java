package io.greenlang.pipeline.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

    @ParameterizedTest
    @CsvSource({"2, 2000", "500m, 500", "0.5, 500", "1.5, 1500", "100u, 1", "1e1, 10000", "250m, 250"})
    void shouldConvertCpuQuantitiesToMillicoresRoundingUp(String quantity, long millis) {
        assertThat(Quantities.cpuMillis(quantity)).hasValue(millis);
    }

    @ParameterizedTest
    @CsvSource({"8Gi, 8589934592", "512Mi, 536870912", "1G, 1000000000", "128974848, 128974848",
            "129M, 129000000", "123Ki, 125952", "1.5Gi, 1610612736", "1e3, 1000", "1E-1, 1"})
    void shouldConvertMemoryQuantitiesToBytes(String quantity, long bytes) {
        assertThat(Quantities.memoryBytes(quantity)).hasValue(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "8GB", "8 Gi", "Gi", "1e99", "99999999999Ei"})
    void shouldGiveNothingForSomethingThatIsNotAQuantity(String quantity) {
        assertThat(Quantities.memoryBytes(quantity)).isEmpty();
    }
}
