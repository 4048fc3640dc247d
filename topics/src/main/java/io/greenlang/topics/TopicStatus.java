package io.greenlang.topics;

import java.util.Map;

/**
 * What the cluster holds for one catalog topic, as read by {@link TopicAdmin#describe}.
 *
 * @param name              the topic's name
 * @param exists            whether the topic exists in the cluster
 * @param partitions        its partition count (0 when missing)
 * @param replicationFactor its replication factor (0 when missing)
 * @param configs           its managed configs as the cluster has them (empty when missing)
 */
public record TopicStatus(String name, boolean exists, int partitions, int replicationFactor,
                          Map<String, String> configs) {

    /** Copies the configs. */
    public TopicStatus {
        configs = Map.copyOf(configs);
    }
}
