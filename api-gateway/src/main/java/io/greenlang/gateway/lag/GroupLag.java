package io.greenlang.gateway.lag;

import java.util.List;
import java.util.Objects;

/**
 * Lag of one consumer group at the latest sample.
 *
 * @param group      consumer group id
 * @param status     {@link LagStatus#ofGroup} of the partitions' statuses
 * @param partitions the group's partitions, worst first ({@link PartitionLag#WORST_FIRST})
 */
public record GroupLag(String group, LagStatus status, List<PartitionLag> partitions) {

    public GroupLag {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(status, "status");
        partitions = List.copyOf(partitions);
    }
}
