package io.greenlang.gateway.lag;

import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;

/**
 * Lag of one consumer group on one partition at the latest sample.
 *
 * @param group     consumer group id
 * @param topic     topic
 * @param partition partition
 * @param committed the group's committed offset
 * @param logEnd    the partition's log-end offset
 * @param offsetLag {@code logEnd - committed}, never negative
 * @param timeLag   age of the record at the committed offset (sample time minus that record's timestamp, read
 *                  from the record, not interpolated); {@link Duration#ZERO} when the offset lag is zero; null
 *                  when the timestamp is unknown (not read yet, read cap reached, or no visible record)
 * @param status    Burrow status of the partition's window
 */
public record PartitionLag(String group, String topic, int partition, long committed, long logEnd, long offsetLag,
                           Duration timeLag, LagStatus status) {

    /** Worse status first, then larger offset lag, then topic and partition. */
    public static final Comparator<PartitionLag> WORST_FIRST = Comparator
            .comparing(PartitionLag::status, LagStatus.WORST_FIRST)
            .thenComparing(Comparator.comparingLong(PartitionLag::offsetLag).reversed())
            .thenComparing(PartitionLag::topic)
            .thenComparingInt(PartitionLag::partition);

    public PartitionLag {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(status, "status");
    }
}
