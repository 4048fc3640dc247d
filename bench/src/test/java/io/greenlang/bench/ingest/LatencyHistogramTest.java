package io.greenlang.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void shouldReturnNearestRankPercentilesOfWeightedSamples() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(10, 98);
        histogram.record(50, 1);
        histogram.record(200, 1);

        assertThat(histogram.samples()).isEqualTo(100);
        assertThat(histogram.percentile(0.50)).isEqualTo(10);
        assertThat(histogram.percentile(0.99)).isEqualTo(50);
        assertThat(histogram.percentile(1.0)).isEqualTo(200);
    }

    @Test
    void shouldKeepTheExactMaximumOfLatenciesBeyondTheLastBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(5, 1);
        histogram.record(90_000, 1);

        assertThat(histogram.percentile(1.0)).isEqualTo(90_000);
        assertThat(histogram.toMap()).containsEntry("max_ms", 90_000L);
    }

    @Test
    void shouldCountANegativeLatencyAsZeroAndReportIt() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-3, 2);

        assertThat(histogram.percentile(0.5)).isZero();
        assertThat(histogram.toMap()).containsEntry("negative_counted_as_zero", 2L);
    }

    @Test
    void shouldReportZeroWithoutSamples() {
        assertThat(new LatencyHistogram().percentile(0.99)).isZero();
    }
}
