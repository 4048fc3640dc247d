package io.greenlang.streams.plant;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.common.config.GlConfig;

/**
 * The thresholds and timers of the plant topology. Immutable; derive variants with the {@code with...} methods.
 *
 * @param criticalDemandFraction share of {@code PLANT.HEAT.DEMAND_MW} that is critical when the plant reports no
 *                               {@code PLANT.HEAT.CRITICAL_DEMAND_MW}; HEAT_LOSS is raised while supply is below
 *                               the critical demand (runbook: critical heat loss at any plant is P0)
 * @param pressureLimitBar       drum pressure limit of a boiler that reports no
 *                               {@code <boiler>.DRUM.PRESSURE_LIMIT_BAR}; the runbook gives no figure
 * @param minEfficiency          EFFICIENCY_LOW is raised below this fraction (runbook target: heat distribution
 *                               efficiency above 85%)
 * @param scadaOutageAfter       no telemetry for this long (wall-clock) raises SCADA_OUTAGE
 * @param punctuationInterval    how often (wall-clock) plants are checked for silence
 * @param aggregateGrace         how late (event time) a live sample may arrive and still count in its minute; a
 *                               minute's aggregate is written once this grace after its end has passed
 * @param historicalGrace        how far back a back-filled (historical) sample may reach; historical minutes are
 *                               written on every update
 * @param instance               this instance's name in the {@code producer} of every event it writes
 */
public record PlantSettings(double criticalDemandFraction, double pressureLimitBar, double minEfficiency,
                            Duration scadaOutageAfter, Duration punctuationInterval, Duration aggregateGrace,
                            Duration historicalGrace, String instance) {

    /**
     * Default of {@link #criticalDemandFraction()}: 90% of the demand, so that supply following demand within
     * measurement noise does not raise HEAT_LOSS (the default of {@code GL_PLANT_CRITICAL_DEMAND_FRACTION}).
     */
    public static final double DEFAULT_CRITICAL_DEMAND_FRACTION = 0.9;
    /** Default of {@link #pressureLimitBar()}. */
    public static final double DEFAULT_PRESSURE_LIMIT_BAR = 45.0;
    /** Default of {@link #minEfficiency()}: the runbook's heat distribution efficiency target. */
    public static final double DEFAULT_MIN_EFFICIENCY = 0.85;
    /** Default of {@link #scadaOutageAfter()}. */
    public static final Duration DEFAULT_SCADA_OUTAGE_AFTER = Duration.ofSeconds(30);
    /** Default of {@link #punctuationInterval()}. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@link #aggregateGrace()}. */
    public static final Duration DEFAULT_AGGREGATE_GRACE = Duration.ofSeconds(30);
    /** Default of {@link #historicalGrace()}: the retention of {@code gl.scada.telemetry}. */
    public static final Duration DEFAULT_HISTORICAL_GRACE = Duration.ofDays(7);

    /** Validates every value. */
    public PlantSettings {
        if (!(criticalDemandFraction > 0 && criticalDemandFraction <= 1)) {
            throw new IllegalArgumentException("criticalDemandFraction must be in (0, 1], was " + criticalDemandFraction);
        }
        if (!(pressureLimitBar > 0)) {
            throw new IllegalArgumentException("pressureLimitBar must be positive, was " + pressureLimitBar);
        }
        if (!(minEfficiency >= 0 && minEfficiency <= 1)) {
            throw new IllegalArgumentException("minEfficiency must be in [0, 1], was " + minEfficiency);
        }
        requirePositive(scadaOutageAfter, "scadaOutageAfter");
        requirePositive(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(aggregateGrace, "aggregateGrace");
        Objects.requireNonNull(historicalGrace, "historicalGrace");
        if (aggregateGrace.isNegative() || historicalGrace.isNegative()) {
            throw new IllegalArgumentException("grace periods must not be negative");
        }
        Objects.requireNonNull(instance, "instance");
    }

    /** Every value at its default. */
    public static PlantSettings defaults() {
        return new PlantSettings(DEFAULT_CRITICAL_DEMAND_FRACTION, DEFAULT_PRESSURE_LIMIT_BAR, DEFAULT_MIN_EFFICIENCY,
                DEFAULT_SCADA_OUTAGE_AFTER, DEFAULT_PUNCTUATION_INTERVAL, DEFAULT_AGGREGATE_GRACE,
                DEFAULT_HISTORICAL_GRACE, defaultInstance());
    }

    /**
     * The settings from the service configuration: {@code GL_PLANT_CRITICAL_DEMAND_FRACTION},
     * {@code GL_PLANT_PRESSURE_LIMIT_BAR}, {@code GL_PLANT_MIN_EFFICIENCY}, {@code GL_PLANT_SCADA_OUTAGE_SECONDS};
     * the timers and grace periods stay at their defaults.
     */
    public static PlantSettings fromConfig(GlConfig config) {
        Objects.requireNonNull(config, "config");
        return defaults().withCriticalDemandFraction(config.plantCriticalDemandFraction())
                .withPressureLimitBar(config.plantPressureLimitBar())
                .withMinEfficiency(config.plantMinEfficiency())
                .withScadaOutageAfter(config.plantScadaOutageAfter());
    }

    /** With another pressure limit. */
    public PlantSettings withPressureLimitBar(double value) {
        return new PlantSettings(criticalDemandFraction, value, minEfficiency, scadaOutageAfter, punctuationInterval,
                aggregateGrace, historicalGrace, instance);
    }

    /** With another critical demand fraction. */
    public PlantSettings withCriticalDemandFraction(double value) {
        return new PlantSettings(value, pressureLimitBar, minEfficiency, scadaOutageAfter, punctuationInterval,
                aggregateGrace, historicalGrace, instance);
    }

    /** With another minimum efficiency. */
    public PlantSettings withMinEfficiency(double value) {
        return new PlantSettings(criticalDemandFraction, pressureLimitBar, value, scadaOutageAfter, punctuationInterval,
                aggregateGrace, historicalGrace, instance);
    }

    /** With another silence before SCADA_OUTAGE. */
    public PlantSettings withScadaOutageAfter(Duration value) {
        return new PlantSettings(criticalDemandFraction, pressureLimitBar, minEfficiency, value, punctuationInterval,
                aggregateGrace, historicalGrace, instance);
    }

    /** With another grace for late live samples. */
    public PlantSettings withAggregateGrace(Duration value) {
        return new PlantSettings(criticalDemandFraction, pressureLimitBar, minEfficiency, scadaOutageAfter,
                punctuationInterval, value, historicalGrace, instance);
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static String defaultInstance() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host) + ":" + ProcessHandle.current().pid();
    }
}
