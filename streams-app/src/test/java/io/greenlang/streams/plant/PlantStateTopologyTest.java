package io.greenlang.streams.plant;

import static io.greenlang.streams.plant.PlantDriver.BAD_COMMUNICATION_ERROR;
import static io.greenlang.streams.plant.PlantDriver.PLANT;
import static io.greenlang.streams.plant.PlantDriver.START;
import static io.greenlang.streams.plant.PlantDriver.good;
import static io.greenlang.streams.plant.PlantDriver.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.greenlang.events.plant.AlertSeverity;
import io.greenlang.events.plant.AlertState;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantAlertKind;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.scada.ConnectionState;

class PlantStateTopologyTest {

    private static final String B1_OUT = PlantTags.boilerTag("B1", PlantTags.HEAT_OUTPUT_MW);
    private static final String B2_OUT = PlantTags.boilerTag("B2", PlantTags.HEAT_OUTPUT_MW);
    private static final String B1_FUEL = PlantTags.boilerTag("B1", PlantTags.FUEL_INPUT_MW);
    private static final String B2_FUEL = PlantTags.boilerTag("B2", PlantTags.FUEL_INPUT_MW);
    private static final String B1_PRESSURE = PlantTags.boilerTag("B1", PlantTags.DRUM_PRESSURE_BAR);
    private static final String B2_PRESSURE = PlantTags.boilerTag("B2", PlantTags.DRUM_PRESSURE_BAR);
    private static final String B2_TRIP = PlantTags.boilerTag("B2", PlantTags.TRIP);

    private final PlantDriver driver = new PlantDriver();

    @AfterEach
    void close() {
        driver.close();
    }

    private static Instant at(int seconds) {
        return START.plusSeconds(seconds);
    }

    /** Two boilers at 20 MW each from 46 MW of fuel (87%), demand 35 MW, pressures within the limit. */
    private void healthyPlant() {
        driver.send(good(B1_OUT, 20, at(1)), good(B2_OUT, 20, at(1)), good(B1_FUEL, 23, at(1)),
                good(B2_FUEL, 23, at(1)), good(B1_PRESSURE, 30, at(1)), good(B2_PRESSURE, 31, at(1)),
                good(B2_TRIP, 0, at(1)), good(PlantTags.HEAT_DEMAND_MW, 35, at(1)));
    }

    private List<PlantAlert> alerts(PlantAlertKind kind) {
        return driver.alerts().stream().filter(a -> a.getKind() == kind).toList();
    }

    @Test
    void shouldPublishSupplyDemandAndEfficiencyWhenGoodTelemetryArrives() {
        healthyPlant();

        PlantState state = driver.latestState();
        assertThat(state.getPlantId()).isEqualTo(PLANT);
        assertThat(state.getHeatSupplyMw()).isEqualTo(40.0);
        assertThat(state.getHeatDemandMw()).isEqualTo(35.0);
        assertThat(state.getEfficiency()).isCloseTo(40.0 / 46.0, within(1e-9));
        assertThat(state.getHeatLoss()).isFalse();
        assertThat(state.getScadaConnected()).isTrue();
        assertThat(state.getTags()).containsEntry(B1_PRESSURE, 30.0).hasSize(8);
        assertThat(state.getTagQuality()).containsEntry(B1_OUT, "Good");
        assertThat(state.getUpdatedAt()).isEqualTo(at(1));
        assertThat(state.getMeta().getTenantId()).isEqualTo(PlantDriver.TENANT);
        assertThat(driver.alerts()).isEmpty();
    }

    @Test
    void shouldNotPublishStateAgainWhenTelemetryRepeatsTheSameValues() {
        driver.send(good(B1_OUT, 20, at(1)));
        driver.send(good(B1_OUT, 20, at(1)));

        assertThat(driver.states()).hasSize(1);
    }

    @Test
    void shouldRaiseAndClearHeatLossWhenABoilerTripsAndComesBack() {
        healthyPlant();

        driver.send(good(B2_TRIP, 1, at(2)));
        assertThat(driver.latestState().getHeatLoss()).isTrue();
        assertThat(driver.latestState().getHeatSupplyMw()).isEqualTo(20.0);
        assertThat(alerts(PlantAlertKind.HEAT_LOSS)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
            assertThat(alert.getValue()).isEqualTo(20.0);
        });

        driver.send(good(B2_TRIP, 0, at(3)));
        assertThat(driver.latestState().getHeatLoss()).isFalse();
        assertThat(alerts(PlantAlertKind.HEAT_LOSS)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
    }

    @Test
    void shouldRaiseHeatLossOnlyBelowTheCriticalDemandWhenThePlantReportsIt() {
        healthyPlant();
        driver.send(good(PlantTags.CRITICAL_HEAT_DEMAND_MW, 15, at(2)));

        driver.send(good(B2_OUT, 0, at(3)), good(PlantTags.HEAT_DEMAND_MW, 30, at(3)));
        assertThat(alerts(PlantAlertKind.HEAT_LOSS)).as("20 MW supply covers 15 MW critical demand").isEmpty();

        driver.send(good(B1_OUT, 10, at(4)));
        assertThat(alerts(PlantAlertKind.HEAT_LOSS)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED);

        driver.send(good(B1_OUT, 16, at(5)));
        assertThat(alerts(PlantAlertKind.HEAT_LOSS)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
    }

    @Test
    void shouldRaiseAndClearPressureHighWhenDrumPressureCrossesTheConfiguredLimit() {
        healthyPlant();

        driver.send(good(B2_PRESSURE, PlantSettings.DEFAULT_PRESSURE_LIMIT_BAR + 2, at(2)));
        assertThat(alerts(PlantAlertKind.PRESSURE_HIGH)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
            assertThat(alert.getValue()).isEqualTo(PlantSettings.DEFAULT_PRESSURE_LIMIT_BAR + 2);
            assertThat(alert.getMessage()).contains("B2");
        });

        driver.send(good(B2_PRESSURE, PlantSettings.DEFAULT_PRESSURE_LIMIT_BAR - 1, at(3)));
        assertThat(alerts(PlantAlertKind.PRESSURE_HIGH)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
    }

    @Test
    void shouldUseTheBoilersOwnPressureLimitWhenItReportsOne() {
        healthyPlant();
        driver.send(good(PlantTags.boilerTag("B1", PlantTags.DRUM_PRESSURE_LIMIT_BAR), 28, at(2)));

        assertThat(alerts(PlantAlertKind.PRESSURE_HIGH)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getValue()).isEqualTo(30.0);
        });
    }

    @Test
    void shouldRaiseAndClearEfficiencyLowWhenEfficiencyCrossesTheMinimum() {
        healthyPlant();

        driver.send(good(B1_FUEL, 30, at(2)));
        assertThat(alerts(PlantAlertKind.EFFICIENCY_LOW)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.WARNING);
            assertThat(alert.getValue()).isCloseTo(40.0 / 53.0, within(1e-9));
        });

        driver.send(good(B1_FUEL, 22, at(3)));
        assertThat(alerts(PlantAlertKind.EFFICIENCY_LOW)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
    }

    @Test
    void shouldIgnoreButCountBadQualityReadingsWhenTheyWouldRaiseAnAlert() {
        healthyPlant();

        driver.send(sample(B2_PRESSURE, 99.0, BAD_COMMUNICATION_ERROR, "Bad_CommunicationError", at(2)),
                sample(B1_OUT, null, 0L, "Good", at(2)));

        PlantState state = driver.latestState();
        assertThat(state.getTags()).containsEntry(B2_PRESSURE, 31.0).containsEntry(B1_OUT, 20.0);
        assertThat(state.getTagQuality()).containsEntry(B2_PRESSURE, "Bad_CommunicationError");
        assertThat(state.getBadQualitySamples()).isEqualTo(2);
        assertThat(state.getUpdatedAt()).isEqualTo(at(1));
        assertThat(driver.alerts()).isEmpty();
        assertThat(driver.metrics.badQualitySamples()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheNewerValueWhenAnOlderBackfilledSampleArrives() {
        driver.send(good(B1_OUT, 20, at(10)));
        driver.send(PLANT, true, good(B1_OUT, 5, at(5)));

        assertThat(driver.latestState().getTags()).containsEntry(B1_OUT, 20.0);
    }

    @Test
    void shouldRaiseScadaOutageWhenNoDataArrivesForTheConfiguredTimeAndClearWhenDataReturns() {
        healthyPlant();

        driver.advance(Duration.ofSeconds(9));
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).isEmpty();

        driver.advance(Duration.ofSeconds(2));
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.WARNING);
            assertThat(alert.getMessage()).contains("No SCADA data");
        });
        assertThat(driver.latestState().getScadaConnected()).isFalse();

        driver.advance(Duration.ofSeconds(5));
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).as("raised once").hasSize(1);

        driver.send(good(B1_OUT, 21, at(20)));
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(driver.latestState().getScadaConnected()).isTrue();
    }

    @Test
    void shouldRaiseScadaOutageWhenTheBridgeReportsDisconnectedAndClearWhenConnected() {
        healthyPlant();

        driver.status(ConnectionState.DISCONNECTED);
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).singleElement().satisfies(alert -> {
            assertThat(alert.getState()).isEqualTo(AlertState.RAISED);
            assertThat(alert.getMessage()).contains("connection lost");
        });
        assertThat(driver.latestState().getScadaConnected()).isFalse();

        driver.status(ConnectionState.CONNECTED);
        assertThat(alerts(PlantAlertKind.SCADA_OUTAGE)).extracting(PlantAlert::getState)
                .containsExactly(AlertState.RAISED, AlertState.CLEARED);
        assertThat(driver.latestState().getScadaConnected()).isTrue();
    }

    @Test
    void shouldDeadLetterATelemetryRecordThatCannotBeDecoded() {
        driver.sendRaw(PLANT.getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
        healthyPlant();

        assertThat(driver.metrics.deadLetters()).isEqualTo(1);
        assertThat(driver.latestState().getHeatSupplyMw()).isEqualTo(40.0);
    }

    @Test
    void shouldDeadLetterATelemetryBatchWhoseKeyIsNotItsPlant() {
        driver.sendKeyed("plant-2", PLANT, good(B1_OUT, 20, at(1)));
        healthyPlant();

        assertThat(driver.metrics.deadLetters()).isEqualTo(1);
        assertThat(driver.states()).extracting(PlantState::getPlantId).containsOnly(PLANT);
    }
}
