package io.greenlang.common.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.greenlang.common.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Registers meters from {@link MetricDefinition}s on a {@link MeterRegistry}: the name, description, histogram
 * buckets and label keys come from the definition, the caller gives only the label values, positionally in the
 * definition's {@link MetricDefinition#tagKeys()} order (checked).
 *
 * <p>Meters are cached by Micrometer, so calling {@link #counter} on every event is fine. Gauges created by
 * {@link #gauge(MetricDefinition, String...)} are backed by an {@link AtomicLong} that this class keeps (a
 * strong reference), so repeated calls return the same state: set it, never re-register it. This class must
 * never invent a metric name.
 */
public final class GlMeters {

    /** Lowest bucket bound of a distribution's histogram. */
    public static final double DISTRIBUTION_MIN = 1;
    /** Highest bucket bound of a distribution's histogram (larger amounts fall into +Inf). */
    public static final double DISTRIBUTION_MAX = 65_536;

    private final MeterRegistry registry;
    private final Map<List<Object>, AtomicLong> gaugeStates = new ConcurrentHashMap<>();

    /**
     * @param registry the registry, usually from {@link GlMetrics#newRegistry(String)}
     */
    public GlMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The underlying registry. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The counter of a {@link MetricType#COUNTER} definition for these label values.
     *
     * @param definition a counter definition
     * @param tagValues  one value per declared label key, in order
     * @return the counter
     */
    public Counter counter(MetricDefinition definition, String... tagValues) {
        requireType(definition, MetricType.COUNTER);
        return Counter.builder(definition.micrometerName())
                .description(definition.description())
                .tags(tags(definition, tagValues))
                .register(registry);
    }

    /**
     * The timer of a {@link MetricType#TIMER} definition for these label values, publishing the definition's
     * histogram buckets.
     *
     * @param definition a timer definition
     * @param tagValues  one value per declared label key, in order
     * @return the timer
     */
    public Timer timer(MetricDefinition definition, String... tagValues) {
        requireType(definition, MetricType.TIMER);
        Timer.Builder builder = Timer.builder(definition.micrometerName())
                .description(definition.description())
                .tags(tags(definition, tagValues));
        if (!definition.buckets().isEmpty()) {
            builder.serviceLevelObjectives(definition.buckets().toArray(Duration[]::new));
        }
        return builder.register(registry);
    }

    /**
     * The distribution summary of a {@link MetricType#DISTRIBUTION} definition for these label values, publishing
     * a histogram with Micrometer's percentile buckets from {@value #DISTRIBUTION_MIN} to
     * {@value #DISTRIBUTION_MAX} (about 40 buckets), so quantiles can be computed across instances.
     *
     * @param definition a distribution definition
     * @param tagValues  one value per declared label key, in order
     * @return the summary
     */
    public DistributionSummary distribution(MetricDefinition definition, String... tagValues) {
        requireType(definition, MetricType.DISTRIBUTION);
        return DistributionSummary.builder(definition.micrometerName())
                .description(definition.description())
                .tags(tags(definition, tagValues))
                .publishPercentileHistogram()
                .minimumExpectedValue(DISTRIBUTION_MIN)
                .maximumExpectedValue(DISTRIBUTION_MAX)
                .register(registry);
    }

    /**
     * A {@link MetricType#GAUGE} backed by an {@link AtomicLong} that this instance keeps; the same label values
     * return the same state.
     *
     * @param definition a gauge definition
     * @param tagValues  one value per declared label key, in order
     * @return the state to set
     */
    public AtomicLong gauge(MetricDefinition definition, String... tagValues) {
        requireType(definition, MetricType.GAUGE);
        Tags tags = tags(definition, tagValues);
        List<Object> key = new ArrayList<>();
        key.add(definition.name());
        tags.forEach(key::add);
        return gaugeStates.computeIfAbsent(List.copyOf(key), k -> {
            AtomicLong state = new AtomicLong();
            Gauge.builder(definition.micrometerName(), state, AtomicLong::doubleValue)
                    .description(definition.description())
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
            return state;
        });
    }

    /**
     * A {@link MetricType#GAUGE} reading its value from {@code state} (held strongly by the registry).
     *
     * @param definition a gauge definition
     * @param state      the object to read
     * @param value      how to read it
     * @param tagValues  one value per declared label key, in order
     * @param <T>        the state type
     * @return the gauge
     */
    public <T> Gauge gauge(MetricDefinition definition, T state, ToDoubleFunction<T> value, String... tagValues) {
        requireType(definition, MetricType.GAUGE);
        return Gauge.builder(definition.micrometerName(), state, value)
                .description(definition.description())
                .tags(tags(definition, tagValues))
                .strongReference(true)
                .register(registry);
    }

    /**
     * Counts one failure in {@link GlMetrics#ERRORS} ({@code gl_errors_total{error_class, error_code}}).
     *
     * @param code the failure's code
     */
    public void recordError(ErrorCode code) {
        counter(GlMetrics.ERRORS, code.errorClass().name(), code.code()).increment();
    }

    private static void requireType(MetricDefinition definition, MetricType type) {
        if (definition.type() != type) {
            throw new IllegalArgumentException(definition.name() + " is a " + definition.type() + ", not a " + type);
        }
    }

    private static Tags tags(MetricDefinition definition, String... values) {
        List<String> keys = definition.tagKeys();
        if (values.length != keys.size()) {
            throw new IllegalArgumentException(definition.name() + " takes " + keys.size() + " label values "
                    + keys + ", got " + values.length);
        }
        List<Tag> tags = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (values[i] == null) {
                throw new IllegalArgumentException("Label " + keys.get(i) + " of " + definition.name() + " is null");
            }
            tags.add(Tag.of(keys.get(i), values[i]));
        }
        return Tags.of(tags);
    }
}
