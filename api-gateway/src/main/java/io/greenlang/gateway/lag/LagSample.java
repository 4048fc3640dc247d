package io.greenlang.gateway.lag;

import java.time.Instant;
import java.util.Objects;

/**
 * One observation of one consumer group's partition.
 *
 * @param time                     when the offsets were read
 * @param committedOffset          the group's committed offset (the next record it will read)
 * @param logEndOffset             the partition's log-end offset at {@code time}
 * @param committedRecordTimestamp timestamp of the record at the committed offset (the oldest record not yet
 *                                 consumed), or null when unknown or when the lag is zero
 * @param consumerActive           whether a live member of the group was assigned this partition at
 *                                 {@code time}. Kafka's offset fetch carries no commit time, so a member holding
 *                                 the partition is the evidence that the group is still committing (Burrow sees
 *                                 each commit on {@code __consumer_offsets}; a poller cannot)
 */
public record LagSample(Instant time, long committedOffset, long logEndOffset, Instant committedRecordTimestamp,
                        boolean consumerActive) {

    public LagSample {
        Objects.requireNonNull(time, "time");
    }

    /** Log-end offset minus committed offset, never negative. */
    public long offsetLag() {
        return Math.max(0, logEndOffset - committedOffset);
    }
}
