package io.greenlang.gateway.lag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples consumer-group lag: on each {@link #sample()} it reads the groups' committed offsets and the
 * partitions' log-end offsets with the Admin client, reads the timestamp of the record at each lagging
 * committed offset with its own consumer, appends one {@link LagSample} per group and partition to a sliding
 * window and evaluates the windows with {@link LagEvaluator}.
 *
 * <p>It never commits offsets, never joins a group and never closes the Admin client it is given (it closes
 * only its own consumer). Not thread-safe: call {@link #sample()} from one thread.
 */
public final class LagMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LagMonitor.class);

    /**
     * What the monitor samples and how.
     *
     * @param groups                      consumer groups to sample; empty for every consumer group of the cluster
     * @param windowSize                  samples kept per group and partition (Burrow's {@code intervals})
     * @param maxTimestampReadsPerSample  at most this many record reads per {@link #sample()}; partitions past
     *                                    the cap get a null time lag until a later sample reads them
     * @param readTimeout                 how long one record read may poll before the time lag is left unknown
     * @param adminTimeout                how long one Admin call may take before {@link #sample()} fails
     */
    public record Settings(Set<String> groups, int windowSize, int maxTimestampReadsPerSample,
                           Duration readTimeout, Duration adminTimeout) {

        /** Every group, a window of {@value LagEvaluator#DEFAULT_WINDOW_SIZE}, 100 reads, 2 s, 30 s. */
        public static Settings defaults() {
            return new Settings(Set.of(), LagEvaluator.DEFAULT_WINDOW_SIZE, 100, Duration.ofSeconds(2),
                    Duration.ofSeconds(30));
        }

        public Settings {
            groups = Set.copyOf(groups);
            if (maxTimestampReadsPerSample < 0) {
                throw new IllegalArgumentException("maxTimestampReadsPerSample must not be negative");
            }
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(adminTimeout, "adminTimeout");
        }

        /** These settings for the given groups only. */
        public Settings withGroups(Collection<String> only) {
            return new Settings(Set.copyOf(only), windowSize, maxTimestampReadsPerSample, readTimeout, adminTimeout);
        }

        /** These settings with another window size. */
        public Settings withWindowSize(int size) {
            return new Settings(groups, size, maxTimestampReadsPerSample, readTimeout, adminTimeout);
        }

        /** These settings with another cap on record reads per sample. */
        public Settings withMaxTimestampReadsPerSample(int max) {
            return new Settings(groups, windowSize, max, readTimeout, adminTimeout);
        }
    }

    private record GroupPartition(String group, TopicPartition partition) {
        /**
         * The record's default (31 * group + partition) collides for groups named with a numeric suffix: "g-1" on
         * partition 0 and "g-0" on partition 1 hash alike, and thousands of keys end up in tree bins. Mixing the
         * group's hash with a large odd multiplier spreads them.
         */
        @Override
        public int hashCode() {
            long mixed = group.hashCode() * 0x9E3779B97F4A7C15L;
            return (int) (mixed ^ (mixed >>> 32)) ^ partition.hashCode();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof GroupPartition that && group.equals(that.group) && partition.equals(that.partition);
        }
    }

    private record RecordAt(TopicPartition partition, long offset) {
    }

    private final Admin admin;
    private final Supplier<? extends Consumer<byte[], byte[]>> consumerFactory;
    private final Clock clock;
    private final Settings settings;
    private final LagEvaluator evaluator;
    private final Map<GroupPartition, Deque<LagSample>> windows = new HashMap<>();
    /** What {@link #readTimestamp} answers when only transaction markers follow the offset. */
    private static final Instant MARKERS_ONLY = Instant.MIN;

    private Map<RecordAt, Instant> timestamps = new HashMap<>();
    /** Committed offsets followed only by transaction markers (or aborted records), with the log end then. */
    private Map<RecordAt, Long> markersOnly = new HashMap<>();
    private Consumer<byte[], byte[]> consumer;
    private volatile Instant lastSampleTime;

    /**
     * @param admin           the cluster's Admin client; not closed by this monitor
     * @param consumerFactory makes the consumer that reads records at committed offsets: byte arrays,
     *                        {@code read_committed}, no group id, no auto-commit (see {@link #consumerFactory})
     * @param clock           the time of samples and of time lag
     * @param settings        what to sample
     */
    public LagMonitor(Admin admin, Supplier<? extends Consumer<byte[], byte[]>> consumerFactory, Clock clock,
                      Settings settings) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.evaluator = new LagEvaluator(settings.windowSize());
    }

    /**
     * A factory of the consumer this monitor needs, from base client settings (bootstrap servers, security):
     * byte-array deserializers, {@code read_committed}, one record per poll, no group, no auto-commit. The
     * base's group id, if any, is removed.
     */
    public static Supplier<Consumer<byte[], byte[]>> consumerFactory(Map<String, ?> base) {
        Map<String, Object> properties = new HashMap<>(base);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        Map<String, Object> copy = Map.copyOf(properties);
        return () -> new KafkaConsumer<>(copy, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Takes one sample of every monitored group and returns the groups, worst status first, with their
     * partitions worst first. Groups without committed offsets are left out.
     *
     * @throws GreenLangException when an Admin call fails or times out
     */
    public List<GroupLag> sample() {
        Instant now = clock.instant();
        lastSampleTime = now;
        Collection<String> groups = settings.groups().isEmpty() ? consumerGroups() : settings.groups();
        if (groups.isEmpty()) {
            windows.clear();
            return List.of();
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committedOffsets(groups);
        // the member descriptions and the log-end offsets are independent: both requests are in flight at once
        KafkaFuture<Map<String, ConsumerGroupDescription>> described = committed.isEmpty() ? null
                : admin.describeConsumerGroups(committed.keySet()).all();
        Set<TopicPartition> partitions = new HashSet<>();
        committed.values().forEach(offsets -> partitions.addAll(offsets.keySet()));
        Map<TopicPartition, Long> logEnd = logEndOffsets(partitions);
        Map<String, Set<TopicPartition>> assigned = assignedPartitions(described);

        Map<RecordAt, Instant> keptTimestamps = new HashMap<>();
        Map<RecordAt, Long> keptMarkersOnly = new HashMap<>();
        Set<GroupPartition> seen = new HashSet<>();
        int reads = 0;
        List<GroupLag> result = new ArrayList<>();
        for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> group : committed.entrySet()) {
            List<PartitionLag> partitionLags = new ArrayList<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : group.getValue().entrySet()) {
                TopicPartition tp = entry.getKey();
                Long end = logEnd.get(tp);
                if (end == null) {
                    continue;
                }
                long offset = entry.getValue().offset();
                long lag = Math.max(0, end - offset);
                Instant recordTime = null;
                if (lag > 0) {
                    RecordAt at = new RecordAt(tp, offset);
                    Long onlyMarkersUpTo = keptMarkersOnly.containsKey(at) ? keptMarkersOnly.get(at)
                            : markersOnly.get(at);
                    if (onlyMarkersUpTo != null && onlyMarkersUpTo == end) {
                        keptMarkersOnly.put(at, end);
                        recordTime = now; // nothing but transaction markers waits: no time lag
                    } else {
                        recordTime = keptTimestamps.containsKey(at) ? keptTimestamps.get(at) : timestamps.get(at);
                        if (recordTime == null && reads < settings.maxTimestampReadsPerSample()) {
                            reads++;
                            recordTime = readTimestamp(tp, offset, end);
                        }
                        if (recordTime == MARKERS_ONLY) {
                            keptMarkersOnly.put(at, end);
                            recordTime = now;
                        } else if (recordTime != null) {
                            keptTimestamps.put(at, recordTime);
                        }
                    }
                }
                boolean active = assigned.getOrDefault(group.getKey(), Set.of()).contains(tp);
                LagSample sample = new LagSample(now, offset, end, recordTime, active);
                GroupPartition key = new GroupPartition(group.getKey(), tp);
                seen.add(key);
                Deque<LagSample> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
                window.addLast(sample);
                while (window.size() > settings.windowSize()) {
                    window.removeFirst();
                }
                LagStatus status = evaluator.evaluate(List.copyOf(window), now);
                partitionLags.add(new PartitionLag(group.getKey(), tp.topic(), tp.partition(), offset, end, lag,
                        timeLag(lag, recordTime, now), status));
            }
            if (!partitionLags.isEmpty()) {
                partitionLags.sort(PartitionLag.WORST_FIRST);
                result.add(new GroupLag(group.getKey(),
                        LagStatus.ofGroup(partitionLags.stream().map(PartitionLag::status).toList()),
                        partitionLags));
            }
        }
        windows.keySet().retainAll(seen);
        timestamps = keptTimestamps;
        markersOnly = keptMarkersOnly;
        result.sort((a, b) -> {
            int byStatus = LagStatus.WORST_FIRST.compare(a.status(), b.status());
            return byStatus != 0 ? byStatus : a.group().compareTo(b.group());
        });
        return List.copyOf(result);
    }

    /** The time of the latest {@link #sample()} (the monitor's clock), empty before the first. */
    public Optional<Instant> lastSampleTime() {
        return Optional.ofNullable(lastSampleTime);
    }

    private static Duration timeLag(long offsetLag, Instant recordTime, Instant now) {
        if (offsetLag == 0) {
            return Duration.ZERO;
        }
        if (recordTime == null) {
            return null;
        }
        Duration age = Duration.between(recordTime, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    private List<String> consumerGroups() {
        Collection<GroupListing> listings = await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all(),
                "list consumer groups");
        return listings.stream().map(GroupListing::groupId).sorted().toList();
    }

    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committedOffsets(Collection<String> groups) {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.stream().sorted().forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult listed = admin.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> result = new TreeMap<>();
        for (String group : specs.keySet()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            await(listed.partitionsToOffsetAndMetadata(group), "list committed offsets of group " + group)
                    .forEach((tp, offset) -> {
                        if (offset != null) {
                            offsets.put(tp, offset);
                        }
                    });
            if (!offsets.isEmpty()) {
                result.put(group, offsets);
            }
        }
        return result;
    }

    private Map<String, Set<TopicPartition>> assignedPartitions(
            KafkaFuture<Map<String, ConsumerGroupDescription>> described) {
        if (described == null) {
            return Map.of();
        }
        Map<String, ConsumerGroupDescription> descriptions = await(described, "describe consumer groups");
        Map<String, Set<TopicPartition>> result = new HashMap<>();
        descriptions.forEach((group, description) -> {
            Set<TopicPartition> partitions = new HashSet<>();
            for (MemberDescription member : description.members()) {
                partitions.addAll(member.assignment().topicPartitions());
            }
            result.put(group, partitions);
        });
        return result;
    }

    private Map<TopicPartition, Long> logEndOffsets(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos =
                await(admin.listOffsets(specs).all(), "list log-end offsets");
        Map<TopicPartition, Long> result = new HashMap<>();
        infos.forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    /**
     * The timestamp of the first record a {@code read_committed} consumer sees at or after {@code offset} (the
     * record at the committed offset, or the next visible one after a transaction marker or aborted record);
     * {@link #MARKERS_ONLY} when the consumer reaches {@code end} without a record, i.e. the offsets between the
     * committed one and the end are only transaction markers or aborted records (the usual lag of 1 behind a
     * transactional producer: no time lag); null when none arrives within the read timeout.
     */
    private Instant readTimestamp(TopicPartition tp, long offset, long end) {
        if (consumer == null) {
            consumer = consumerFactory.get();
        }
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + settings.readTimeout().toNanos();
        try {
            while (System.nanoTime() < deadline) {
                long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(remaining)).records(tp);
                if (!records.isEmpty()) {
                    return Instant.ofEpochMilli(records.get(0).timestamp());
                }
                if (consumer.position(tp) >= end) {
                    return MARKERS_ONLY;
                }
            }
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            LOG.debug("Lag monitor: interrupted reading {} offset {} (closing)", tp, offset);
            return null;
        } catch (KafkaException e) {
            LOG.warn("Lag monitor: cannot read the record at {} offset {}; its time lag stays unknown: {}",
                    tp, offset, e.toString());
            return null;
        } finally {
            consumer.assign(List.of());
        }
        LOG.debug("Lag monitor: no record at {} offset {} within {}", tp, offset, settings.readTimeout());
        return null;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(settings.adminTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT,
                    "Lag monitor timed out after " + settings.adminTimeout() + " trying to " + what, e);
        } catch (ExecutionException e) {
            throw new GreenLangException(ErrorCode.UNEXPECTED, "Lag monitor cannot " + what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.UNEXPECTED, "Lag monitor interrupted trying to " + what, e);
        }
    }

    /** Closes the monitor's consumer, not the Admin client. */
    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}
