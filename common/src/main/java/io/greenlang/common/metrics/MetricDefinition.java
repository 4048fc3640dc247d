package io.greenlang.common.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric, declared once: its exposed Prometheus name, type, unit, label (tag) keys, description and, for
 * timers, histogram buckets. Code registers meters from a definition through {@link GlMeters}, so neither the
 * name nor the label keys are ever typed twice; {@code docs/metrics.md} is rendered from the definitions.
 *
 * <p>{@link #name()} is exactly what Prometheus shows and what alert rules use (e.g.
 * {@code gl_run_completed_total}); {@link #micrometerName()} is the base name handed to Micrometer, from which
 * its Prometheus naming convention produces that name again (it appends {@code _total} to counters and
 * {@code _seconds} to timers). A definition must never be registered under any other name.
 *
 * @param name        exposed name, snake case, with the type's suffix ({@code _total}, {@code _seconds})
 * @param type        the kind of meter
 * @param unit        the unit, for documentation ({@code seconds}, {@code runs}, {@code 1} for booleans ...)
 * @param tagKeys     label keys, in the order {@link GlMeters} takes their values; {@code service} is added to
 *                    every meter by the registry and must not be declared
 * @param description what the metric measures
 * @param buckets     histogram bucket bounds of a timer (empty for other types)
 */
public record MetricDefinition(String name, MetricType type, String unit, List<String> tagKeys, String description,
                               List<Duration> buckets) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** Validates the definition: naming, suffix, label keys, buckets only on timers. */
    public MetricDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(description, "description");
        tagKeys = List.copyOf(tagKeys);
        buckets = List.copyOf(buckets);
        if (!NAME.matcher(name).matches() || !name.startsWith("gl_")) {
            throw new IllegalArgumentException("Metric name must be snake case starting with gl_: " + name);
        }
        if (!name.endsWith(type.prometheusSuffix())
                || (type.prometheusSuffix().isEmpty() && name.endsWith("_total"))) {
            throw new IllegalArgumentException("A " + type + " must be named ..." + type.prometheusSuffix()
                    + " (and a gauge or distribution never _total): " + name);
        }
        for (String key : tagKeys) {
            if (!NAME.matcher(key).matches() || key.equals("service") || key.equals("le")) {
                throw new IllegalArgumentException("Bad tag key '" + key + "' of " + name);
            }
        }
        if (tagKeys.stream().distinct().count() != tagKeys.size()) {
            throw new IllegalArgumentException("Duplicate tag keys of " + name + ": " + tagKeys);
        }
        if (!buckets.isEmpty() && type != MetricType.TIMER) {
            throw new IllegalArgumentException("Only timers have buckets: " + name);
        }
    }

    /** The base name given to Micrometer: the exposed name without the type's suffix, dot-separated. */
    public String micrometerName() {
        String base = name.substring(0, name.length() - type.prometheusSuffix().length());
        return base.replace('_', '.');
    }
}
