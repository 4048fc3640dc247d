package io.greenlang.audit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.TopicPartition;

/**
 * What an {@link AuditReplay} did and found: one comparison per chain, counts per status, and throughput.
 *
 * @param chains         one comparison per chain replayed (and per live-only chain), in chain id order
 * @param counts         how many chains have each status (every status present, 0 if none)
 * @param eventsReplayed records read from Kafka and handed to the target store
 * @param appended       events newly stored in the target (the rest were already stored there)
 * @param startOffsets   first offset replayed per partition
 * @param endOffsets     end offset (exclusive) per partition
 * @param elapsed        wall time of the whole replay, comparison included
 */
public record ReplayReport(List<ChainComparison> chains, Map<Status, Long> counts, long eventsReplayed,
                           long appended, Map<TopicPartition, Long> startOffsets,
                           Map<TopicPartition, Long> endOffsets, Duration elapsed) {

    /** Copies the collections and fills in the counts of absent statuses. */
    public ReplayReport {
        chains = List.copyOf(chains);
        EnumMap<Status, Long> all = new EnumMap<>(Status.class);
        for (Status status : Status.values()) {
            all.put(status, counts.getOrDefault(status, 0L));
        }
        counts = Map.copyOf(all);
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Replayed events per second of {@link #elapsed()}. */
    public double eventsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : eventsReplayed / seconds;
    }

    /** How many chains have this status. */
    public long count(Status status) {
        return counts.get(status);
    }

    /** True if every compared chain is {@link Status#EQUAL} (also when nothing was replayed). */
    public boolean allEqual() {
        return chains.stream().allMatch(chain -> chain.status() == Status.EQUAL);
    }

    /** The chains that are not {@link Status#EQUAL}. */
    public List<ChainComparison> differences() {
        return chains.stream().filter(chain -> chain.status() != Status.EQUAL).toList();
    }

    /** How a replayed chain compares with the live store. */
    public enum Status {
        /** Every replayed event has the live event's hash at the same seq. */
        EQUAL,
        /** A live event at a replayed seq has another hash. */
        DIFFERING,
        /** The live store lacks the chain, or events of it in the replayed range. */
        MISSING,
        /** The live chain's topic was replayed whole, but the replay did not produce the chain. */
        LIVE_ONLY
    }

    /**
     * One chain's comparison.
     *
     * @param chainId  the chain
     * @param status   the outcome
     * @param events   events of the chain in the replayed range (0 for {@link Status#LIVE_ONLY})
     * @param firstSeq the first replayed seq, or 0 for {@link Status#LIVE_ONLY}
     * @param lastSeq  the last replayed seq, or 0 for {@link Status#LIVE_ONLY}
     * @param firstBadSeq the first seq that differs or is missing in the live store, or 0 if none
     */
    public record ChainComparison(String chainId, Status status, long events, long firstSeq, long lastSeq,
                                  long firstBadSeq) {
        /** Validates the fields. */
        public ChainComparison {
            Objects.requireNonNull(chainId, "chainId");
            Objects.requireNonNull(status, "status");
        }
    }
}
