package io.greenlang.streams.plant;

import static io.greenlang.streams.plant.PlantDriver.BAD_COMMUNICATION_ERROR;
import static io.greenlang.streams.plant.PlantDriver.PLANT;
import static io.greenlang.streams.plant.PlantDriver.START;
import static io.greenlang.streams.plant.PlantDriver.good;
import static io.greenlang.streams.plant.PlantDriver.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.greenlang.events.plant.TelemetryAggregate;

class PlantAggregatesTest {

    private static final String B1_OUT = PlantTags.boilerTag("B1", PlantTags.HEAT_OUTPUT_MW);
    private static final String B2_OUT = PlantTags.boilerTag("B2", PlantTags.HEAT_OUTPUT_MW);

    private final PlantDriver driver = new PlantDriver();

    @AfterEach
    void close() {
        driver.close();
    }

    private static Instant at(int seconds) {
        return START.plusSeconds(seconds);
    }

    private static TelemetryAggregate of(List<TelemetryAggregate> aggregates, String tag) {
        return aggregates.stream().filter(a -> a.getTag().equals(tag)).findFirst().orElseThrow();
    }

    @Test
    void shouldWriteOneAggregatePerTagWhenTheMinuteAndItsGraceHavePassed() {
        driver.send(good(B1_OUT, 10, at(10)), good(B2_OUT, 5, at(10)));
        driver.send(good(B1_OUT, 30, at(40)),
                sample(B2_OUT, 99.0, BAD_COMMUNICATION_ERROR, "Bad_CommunicationError", at(40)));
        driver.send(good(B1_OUT, 50, at(80)));
        assertThat(driver.newAggregates()).as("grace not over at 08:01:20").isEmpty();

        driver.send(good(B1_OUT, 60, at(91)));

        List<TelemetryAggregate> closed = driver.newAggregates();
        assertThat(closed).extracting(TelemetryAggregate::getTag).containsExactly(B1_OUT, B2_OUT);
        TelemetryAggregate b1 = of(closed, B1_OUT);
        assertThat(b1.getPlantId()).isEqualTo(PLANT);
        assertThat(b1.getWindowStart()).isEqualTo(START);
        assertThat(b1.getWindowEnd()).isEqualTo(at(60));
        assertThat(b1.getCount()).isEqualTo(2);
        assertThat(b1.getMin()).isEqualTo(10.0);
        assertThat(b1.getMax()).isEqualTo(30.0);
        assertThat(b1.getMean()).isEqualTo(20.0);
        assertThat(b1.getLast()).isEqualTo(30.0);
        assertThat(b1.getHistorical()).isFalse();
        assertThat(b1.getMeta().getTenantId()).isEqualTo(PlantDriver.TENANT);
        assertThat(b1.getMeta().getOccurredAt()).isEqualTo(at(60));
        assertThat(of(closed, B2_OUT).getCount()).as("the bad-quality sample is not counted").isEqualTo(1);
    }

    @Test
    void shouldCountALateSampleInsideTheGraceAndDropOneAfterIt() {
        driver.send(good(B1_OUT, 10, at(10)));
        driver.send(good(B1_OUT, 50, at(80)));
        driver.send(good(B1_OUT, 20, at(30)));
        driver.send(good(B1_OUT, 60, at(91)));
        driver.send(good(B1_OUT, 1000, at(45)));
        driver.send(good(B1_OUT, 70, at(151)));

        List<TelemetryAggregate> closed = driver.newAggregates();
        assertThat(closed).extracting(TelemetryAggregate::getWindowStart).containsExactly(START, at(60));
        TelemetryAggregate first = closed.get(0);
        assertThat(first.getCount()).as("the sample 50 s late is in, the one 46 s after the grace is not")
                .isEqualTo(2);
        assertThat(first.getMax()).isEqualTo(20.0);
        assertThat(first.getLast()).as("last by source time, not arrival").isEqualTo(20.0);
        assertThat(closed.get(1).getCount()).isEqualTo(2);
        assertThat(closed.get(1).getMean()).isEqualTo(55.0);
    }

    @Test
    void shouldAggregateAHistoricalBackfillOlderThanTheLiveStreamTime() {
        driver.send(good(B1_OUT, 10, at(600)));
        driver.send(good(B1_OUT, 10, at(700)));
        driver.newAggregates();

        driver.send(PLANT, true, good(B1_OUT, 40, at(-590)), good(B1_OUT, 20, at(-580)));

        List<TelemetryAggregate> backfilled = driver.newAggregates();
        assertThat(backfilled).isNotEmpty();
        TelemetryAggregate latest = backfilled.get(backfilled.size() - 1);
        assertThat(latest.getHistorical()).isTrue();
        assertThat(latest.getWindowStart()).isEqualTo(at(-600));
        assertThat(latest.getCount()).isEqualTo(2);
        assertThat(latest.getMean()).isEqualTo(30.0);
        assertThat(latest.getLast()).isEqualTo(20.0);
    }
}
