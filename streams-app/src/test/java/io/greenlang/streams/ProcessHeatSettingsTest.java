package io.greenlang.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.streams.agents.AgentHealthSettings;
import io.greenlang.streams.dispatch.DispatchSettings;
import io.greenlang.streams.plant.PlantSettings;

/** The plant, agent-health and dispatch settings read from the GL_PLANT_*, GL_AGENT_* and GL_DISPATCH_* keys. */
class ProcessHeatSettingsTest {

    @Test
    void shouldTakePlantThresholdsFromTheConfiguration() {
        GlConfig config = GlConfig.load(Map.of(GlConfig.PLANT_CRITICAL_DEMAND_FRACTION, "0.75",
                GlConfig.PLANT_PRESSURE_LIMIT_BAR, "52.5", GlConfig.PLANT_MIN_EFFICIENCY, "0.8",
                GlConfig.PLANT_SCADA_OUTAGE_SECONDS, "12"), Optional.empty());

        PlantSettings settings = PlantSettings.fromConfig(config);

        assertThat(settings.criticalDemandFraction()).isEqualTo(0.75);
        assertThat(settings.pressureLimitBar()).isEqualTo(52.5);
        assertThat(settings.minEfficiency()).isEqualTo(0.8);
        assertThat(settings.scadaOutageAfter()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void shouldUseTheDeclaredDefaultsWhenNothingIsSet() {
        GlConfig config = GlConfig.load(Map.of(), Optional.empty());

        PlantSettings plant = PlantSettings.fromConfig(config);
        DispatchSettings dispatch = DispatchSettings.fromConfig(config, "test");

        assertThat(plant).isEqualTo(PlantSettings.defaults());
        assertThat(AgentHealthSettings.fromConfig(config)).isEqualTo(AgentHealthSettings.defaults());
        assertThat(dispatch).isEqualTo(DispatchSettings.defaults("test"));
    }

    @Test
    void shouldTakeHeartbeatIntervalAndDispatchTriggersFromTheConfiguration() {
        GlConfig config = GlConfig.load(Map.of(GlConfig.AGENT_HEARTBEAT_INTERVAL_SECONDS, "10",
                GlConfig.DISPATCH_DEMAND_THRESHOLD_MW, "2.5", GlConfig.DISPATCH_PERIOD_SECONDS, "60",
                GlConfig.DISPATCH_SOLVE_TIMEOUT_MS, "250"), Optional.empty());

        DispatchSettings dispatch = DispatchSettings.fromConfig(config, "test");

        assertThat(AgentHealthSettings.fromConfig(config).heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(dispatch.demandThresholdMw()).isEqualTo(2.5);
        assertThat(dispatch.period()).isEqualTo(Duration.ofSeconds(60));
        assertThat(dispatch.solveTimeLimit()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void shouldRefuseACriticalDemandFractionAboveOneNamingTheKey() {
        assertThatThrownBy(() -> GlConfig.load(Map.of(GlConfig.PLANT_CRITICAL_DEMAND_FRACTION, "1.5"),
                Optional.empty()))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining(GlConfig.PLANT_CRITICAL_DEMAND_FRACTION);
    }
}
