package io.greenlang.streams.plant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiFunction;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.plant.TelemetryAggregate;

/**
 * The statistics of every tag of one plant over one window: the windowed store's value (see {@link io.greenlang.streams.serde.StoreSerde}). Mutable; only
 * the aggregation touches it.
 */
final class TagWindow {

    /** Statistics of one tag. */
    static final class Stats {
        public long count;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;
        public double sum;
        public double last;
        public long lastAt = Long.MIN_VALUE;
    }

    public String tenant;
    public TreeMap<String, Stats> tags = new TreeMap<>();

    /** Adds one sample (a good value with its source time) of {@code tenant}'s plant. */
    TagWindow add(String tenantId, String tag, double value, long sourceTime) {
        tenant = tenantId;
        Stats stats = tags.computeIfAbsent(tag, t -> new Stats());
        stats.count++;
        stats.min = Math.min(stats.min, value);
        stats.max = Math.max(stats.max, value);
        stats.sum += value;
        if (sourceTime >= stats.lastAt) {
            stats.last = value;
            stats.lastAt = sourceTime;
        }
        return this;
    }

    /**
     * One aggregate per tag, in tag order, each with its own envelope from {@code meta} (given the tenant and the
     * window end, the event time of a window's statistics).
     */
    List<TelemetryAggregate> aggregates(String plantId, long windowStart, long windowEnd, boolean historical,
                                        BiFunction<String, Long, EventMeta> meta) {
        List<TelemetryAggregate> out = new ArrayList<>(tags.size());
        tags.forEach((tag, s) -> out.add(TelemetryAggregate.newBuilder()
                .setMeta(meta.apply(tenant, windowEnd))
                .setPlantId(plantId)
                .setTag(tag)
                .setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setCount(s.count)
                .setMin(s.min)
                .setMax(s.max)
                .setMean(s.sum / s.count)
                .setLast(s.last)
                .setHistorical(historical)
                .build()));
        return out;
    }
}
