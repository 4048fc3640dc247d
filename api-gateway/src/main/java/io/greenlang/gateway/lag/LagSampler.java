package io.greenlang.gateway.lag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.common.metrics.MetricDefinition;
import io.micrometer.core.instrument.Gauge;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LagMonitor} every sample interval on one daemon thread and keeps the latest evaluation as an
 * immutable {@link LagSnapshot} that any thread may read ({@link #latest()}) while the next sample is taken.
 * When given a {@link GlMeters} it also publishes {@link GlMetrics#CONSUMER_LAG_RECORDS},
 * {@link GlMetrics#CONSUMER_LAG_SECONDS} and {@link GlMetrics#CONSUMER_GROUP_STATUS}, and removes the gauges of
 * partitions and groups that are no longer sampled.
 *
 * <p>A failed sample (broker unreachable, Admin timeout) is logged and remembered ({@link #lastFailure()}); the
 * previous snapshot stays served. The sampler never commits offsets and never closes the Admin client.
 */
public final class LagSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LagSampler.class);

    /**
     * One evaluation of every monitored group.
     *
     * @param evaluatedAt when the sample was taken (the monitor's clock)
     * @param windowSize  samples per partition window
     * @param groups      the groups, worst status first
     */
    public record LagSnapshot(Instant evaluatedAt, int windowSize, List<GroupLag> groups) {

        /** Copies the groups. */
        public LagSnapshot {
            Objects.requireNonNull(evaluatedAt, "evaluatedAt");
            groups = List.copyOf(groups);
        }

        /** The group of that id, if it was sampled. */
        public Optional<GroupLag> group(String id) {
            return groups.stream().filter(g -> g.group().equals(id)).findFirst();
        }
    }

    /** A gauge's value, read by the registry on every scrape. */
    private static final class GaugeValue {
        private volatile double value;
        private final Gauge gauge;

        GaugeValue(GlMeters meters, MetricDefinition definition, String... tags) {
            this.gauge = meters.gauge(definition, this, v -> v.value, tags);
        }
    }

    private final LagMonitor monitor;
    private final Duration interval;
    private final int windowSize;
    private final GlMeters meters;
    private final Object sampling = new Object();
    private final Map<List<String>, GaugeValue> partitionRecords = new HashMap<>();
    private final Map<List<String>, GaugeValue> partitionSeconds = new HashMap<>();
    private final Map<String, GaugeValue> groupStatus = new HashMap<>();
    private volatile LagSnapshot latest;
    private volatile GreenLangException lastFailure;
    private ScheduledExecutorService executor;
    private boolean closed;

    /**
     * @param monitor    the monitor to run; closed by {@link #close()}
     * @param interval   time between the start of two samples
     * @param windowSize the monitor's window size, reported with each snapshot
     * @param meters     where to publish the lag gauges, or null for none
     */
    public LagSampler(LagMonitor monitor, Duration interval, int windowSize, GlMeters meters) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.windowSize = windowSize;
        this.meters = meters;
    }

    /**
     * The gateway's sampler: every consumer group of the cluster, sampled every {@link GlConfig#lagSampleInterval()}
     * over windows of {@link GlConfig#lagWindowSamples()}, records read with the configuration's Kafka client
     * settings.
     *
     * @param config the gateway's configuration
     * @param admin  the cluster's Admin client; the caller closes it after this sampler
     * @param meters where to publish the gauges, or null for none
     * @return the sampler, not started
     */
    public static LagSampler fromConfig(GlConfig config, Admin admin, GlMeters meters) {
        LagMonitor.Settings settings = LagMonitor.Settings.defaults().withWindowSize(config.lagWindowSamples());
        LagMonitor monitor = new LagMonitor(admin, LagMonitor.consumerFactory(config.kafkaClientProperties()),
                Clock.systemUTC(), settings);
        return new LagSampler(monitor, config.lagSampleInterval(), settings.windowSize(), meters);
    }

    /**
     * Starts sampling on a daemon thread: the first sample at once, then one every interval.
     *
     * @return this
     * @throws IllegalStateException when already started or closed
     */
    public synchronized LagSampler start() {
        if (closed || executor != null) {
            throw new IllegalStateException("The lag sampler was already started or closed");
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gl-lag-sampler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Lag sampler: sampling every {} over windows of {} samples", interval, windowSize);
        return this;
    }

    /**
     * Takes one sample now, on the calling thread (never at the same time as the periodic one), publishes it and
     * returns it.
     *
     * @return the new snapshot
     * @throws GreenLangException when the sample fails; the previous snapshot stays the latest
     */
    public LagSnapshot sampleNow() {
        synchronized (sampling) {
            Instant before = Instant.now();
            List<GroupLag> groups;
            try {
                groups = monitor.sample();
            } catch (GreenLangException e) {
                lastFailure = e;
                throw e;
            }
            LagSnapshot snapshot = new LagSnapshot(monitor.lastSampleTime().orElse(before), windowSize, groups);
            publish(snapshot);
            latest = snapshot;
            lastFailure = null;
            return snapshot;
        }
    }

    private void sampleQuietly() {
        try {
            sampleNow();
        } catch (GreenLangException e) {
            LOG.warn("Lag sampler: sample failed ({}), serving the previous one: {}", e.errorCode().code(),
                    e.getMessage());
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: keep sampling, the next run may succeed
            LOG.error("Lag sampler: unexpected failure of a sample, serving the previous one", e);
        }
    }

    /** The latest successful evaluation, empty before the first one. */
    public Optional<LagSnapshot> latest() {
        return Optional.ofNullable(latest);
    }

    /** Why the last sample failed, empty when it succeeded (or none was taken yet). */
    public Optional<GreenLangException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Time between two samples. */
    public Duration interval() {
        return interval;
    }

    private void publish(LagSnapshot snapshot) {
        if (meters == null) {
            return;
        }
        Set<List<String>> partitionsSeen = new HashSet<>();
        Set<String> groupsSeen = new HashSet<>();
        for (GroupLag group : snapshot.groups()) {
            groupsSeen.add(group.group());
            groupStatus.computeIfAbsent(group.group(),
                    g -> new GaugeValue(meters, GlMetrics.CONSUMER_GROUP_STATUS, g))
                    .value = groupSeverity(group.status());
            for (PartitionLag p : group.partitions()) {
                List<String> tags = List.of(p.group(), p.topic(), Integer.toString(p.partition()));
                partitionsSeen.add(tags);
                partitionRecords.computeIfAbsent(tags, t -> new GaugeValue(meters, GlMetrics.CONSUMER_LAG_RECORDS,
                        t.toArray(String[]::new))).value = p.offsetLag();
                // unknown time lag (record not read yet) is NaN: no alert fires on it, and it is not a false zero
                partitionSeconds.computeIfAbsent(tags, t -> new GaugeValue(meters, GlMetrics.CONSUMER_LAG_SECONDS,
                        t.toArray(String[]::new))).value =
                        p.timeLag() == null ? Double.NaN : p.timeLag().toNanos() / 1e9;
            }
        }
        removeGone(partitionRecords, partitionsSeen);
        removeGone(partitionSeconds, partitionsSeen);
        removeGone(groupStatus, groupsSeen);
    }

    private <K> void removeGone(Map<K, GaugeValue> gauges, Set<K> seen) {
        gauges.entrySet().removeIf(entry -> {
            if (seen.contains(entry.getKey())) {
                return false;
            }
            meters.registry().remove(entry.getValue().gauge);
            return true;
        });
    }

    /** {@link GlMetrics#CONSUMER_GROUP_STATUS}: 0 OK, 1 WARN, 2 ERR. */
    static int groupSeverity(LagStatus status) {
        return switch (status) {
            case OK -> 0;
            case WARN -> 1;
            default -> 2;
        };
    }

    /** Stops sampling, waits for a sample in progress, removes the gauges and closes the monitor. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (executor != null) {
                executor.shutdownNow();
            }
        }
        try {
            if (executor != null && !executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Lag sampler: a sample still runs after 30 s; closing the monitor anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (sampling) {
            if (meters != null) {
                removeGone(partitionRecords, Set.of());
                removeGone(partitionSeconds, Set.of());
                removeGone(groupStatus, Set.of());
            }
            monitor.close();
        }
    }
}
