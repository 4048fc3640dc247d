package io.greenlang.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.greenlang.audit.internal.SchemaNames;
import org.apache.kafka.common.TopicPartition;

/**
 * What an {@link AuditReplay} reads and where it writes: the audited topics between a start and an end position,
 * appended into the target ("into") store and compared with the live store.
 *
 * @param start        where each partition starts
 * @param end          where each partition ends (exclusive)
 * @param topics       base names of the audited topics, e.g. {@code gl.run.events} (the catalog adds its prefix)
 * @param liveSchema   the schema of the store the sink writes (compared against; read only)
 * @param targetSchema the schema the replay appends into; equal to {@code liveSchema} for a restore drill
 * @param reset        drop and recreate the target schema first; refused when the target is the live store
 * @param batchSize    records per {@link AuditStore#append} transaction
 */
public record ReplayOptions(Start start, End end, List<String> topics, String liveSchema, String targetSchema,
                            boolean reset, int batchSize) {

    /** Records per append unless configured otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 5_000;

    /** Validates the options. */
    public ReplayOptions {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        topics = List.copyOf(topics);
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to replay");
        }
        SchemaNames.require(liveSchema);
        SchemaNames.require(targetSchema);
        if (reset && targetSchema.equals(liveSchema)) {
            throw new IllegalArgumentException("reset would drop the live audit store " + liveSchema
                    + "; replay into another schema, or replay into the live store without reset");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
    }

    /**
     * Options from the earliest to the latest offsets, without reset, in batches of {@value #DEFAULT_BATCH_SIZE}.
     *
     * @param topics       base names of the audited topics
     * @param liveSchema   the live store's schema
     * @param targetSchema the target store's schema
     * @return the options; change them with the {@code with...} methods
     */
    public static ReplayOptions of(List<String> topics, String liveSchema, String targetSchema) {
        return new ReplayOptions(Start.earliest(), End.latest(), topics, liveSchema, targetSchema, false,
                DEFAULT_BATCH_SIZE);
    }

    /** These options with another start. */
    public ReplayOptions withStart(Start newStart) {
        return new ReplayOptions(newStart, end, topics, liveSchema, targetSchema, reset, batchSize);
    }

    /** These options with another end. */
    public ReplayOptions withEnd(End newEnd) {
        return new ReplayOptions(start, newEnd, topics, liveSchema, targetSchema, reset, batchSize);
    }

    /** These options with the target schema dropped and recreated first (or not). */
    public ReplayOptions withReset(boolean newReset) {
        return new ReplayOptions(start, end, topics, liveSchema, targetSchema, newReset, batchSize);
    }

    /** These options with another batch size. */
    public ReplayOptions withBatchSize(int newBatchSize) {
        return new ReplayOptions(start, end, topics, liveSchema, targetSchema, reset, newBatchSize);
    }

    /** True if the replay writes into the live store itself (a restore drill). */
    public boolean intoLive() {
        return targetSchema.equals(liveSchema);
    }

    /** True if the replay covers each partition from its earliest to its latest offset. */
    public boolean wholeTopics() {
        return start instanceof Start.Earliest && end instanceof End.Latest;
    }

    /** Where each partition's replay starts. */
    public sealed interface Start {

        /** Each partition's earliest offset (log start). */
        static Start earliest() {
            return new Earliest();
        }

        /**
         * Each partition's first offset whose record timestamp is at or after {@code time}
         * ({@code offsetsForTimes}); a partition without such a record is not replayed.
         */
        static Start at(Instant time) {
            return new AtTime(time);
        }

        /** Exactly these offsets; partitions not listed are not replayed. */
        static Start offsets(Map<TopicPartition, Long> offsets) {
            return new AtOffsets(offsets);
        }

        /** From the earliest offset. */
        record Earliest() implements Start {
        }

        /** @param time the first record timestamp replayed */
        record AtTime(Instant time) implements Start {
            /** Validates the time. */
            public AtTime {
                Objects.requireNonNull(time, "time");
            }
        }

        /** @param offsets the first offset per partition (topic names with the catalog's prefix) */
        record AtOffsets(Map<TopicPartition, Long> offsets) implements Start {
            /** Copies and validates the offsets. */
            public AtOffsets {
                offsets = Map.copyOf(new LinkedHashMap<>(offsets));
                if (offsets.values().stream().anyMatch(offset -> offset < 0)) {
                    throw new IllegalArgumentException("offsets must not be negative: " + offsets);
                }
            }
        }
    }

    /** Where each partition's replay ends (exclusive). */
    public sealed interface End {

        /** Each partition's end offset (read_committed: the last stable offset) when the replay starts. */
        static End latest() {
            return new Latest();
        }

        /**
         * Before each partition's first offset whose record timestamp is at or after {@code time}; a partition
         * without such a record ends at its end offset.
         */
        static End at(Instant time) {
            return new AtTime(time);
        }

        /** To the end offsets captured at the start. */
        record Latest() implements End {
        }

        /** @param time records from this timestamp on are not replayed */
        record AtTime(Instant time) implements End {
            /** Validates the time. */
            public AtTime {
                Objects.requireNonNull(time, "time");
            }
        }
    }
}
