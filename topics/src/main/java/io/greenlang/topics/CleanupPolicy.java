package io.greenlang.topics;

import org.apache.kafka.common.config.TopicConfig;

/**
 * How Kafka discards old records of a topic: by age ({@link #DELETE}) or by keeping the latest record per key
 * ({@link #COMPACT}, for topics that hold current state such as {@code gl.run.state}).
 */
public enum CleanupPolicy {
    /** Segments older than the topic's retention are deleted. */
    DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
    /** The log keeps at least the latest record of every key; retention does not apply. */
    COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value of Kafka's {@code cleanup.policy} topic config. */
    public String configValue() {
        return configValue;
    }
}
