package io.greenlang.topics;

import java.util.Objects;

/**
 * One way in which the cluster differs from the catalog for one topic, as found by {@link TopicAdmin#diff}.
 *
 * @param topic     the topic's name
 * @param kind      what differs
 * @param configKey the topic config concerned, for {@link Kind#CONFIG}; otherwise {@code null}
 * @param expected  what the catalog asks for, as text
 * @param actual    what the cluster has, as text ({@code null} for a missing topic)
 */
public record TopicDifference(String topic, Kind kind, String configKey, String expected, String actual) {

    /** What differs, and whether {@link TopicAdmin#apply} can fix it. */
    public enum Kind {
        /** The topic does not exist; apply creates it. */
        MISSING(Fix.APPLIED),
        /** The cluster has fewer partitions than the catalog; apply raises them. */
        PARTITIONS_BELOW(Fix.APPLIED),
        /** The cluster has more partitions than the catalog; Kafka cannot lower them, so apply refuses. */
        PARTITIONS_ABOVE(Fix.REFUSED),
        /** A managed topic config has another value; apply sets the catalog's value. */
        CONFIG(Fix.APPLIED),
        /** The replication factor differs; changing it needs a partition reassignment, which apply leaves alone. */
        REPLICATION_FACTOR(Fix.LEFT_ALONE);

        private final Fix fix;

        Kind(Fix fix) {
            this.fix = fix;
        }

        /** What apply does about this kind of difference. */
        public Fix fix() {
            return fix;
        }
    }

    /** What {@link TopicAdmin#apply} does about a difference. */
    public enum Fix {
        /** Apply makes the cluster match the catalog. */
        APPLIED,
        /** Apply refuses the whole catalog and changes nothing. */
        REFUSED,
        /** Apply reports the difference and leaves it for an operator. */
        LEFT_ALONE
    }

    /** Creates a difference; {@code topic}, {@code kind} and {@code expected} are required. */
    public TopicDifference {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(expected, "expected");
    }

    /** One line for an operator: what differs, and what to do about it when apply cannot. */
    public String describe() {
        return switch (kind) {
            case MISSING -> topic + ": missing (catalog: " + expected + ")";
            case PARTITIONS_BELOW -> topic + ": " + actual + " partitions, catalog asks for " + expected;
            case PARTITIONS_ABOVE -> topic + ": " + actual + " partitions in the cluster but the catalog asks for "
                    + expected + "; Kafka cannot lower a topic's partition count (keys would move to other "
                    + "partitions). Raise the catalog's partitions to " + actual
                    + ", or delete and recreate the topic deliberately.";
            case CONFIG -> topic + ": " + configKey + "=" + actual + ", catalog asks for " + expected;
            case REPLICATION_FACTOR -> topic + ": replication factor " + actual + ", catalog asks for " + expected
                    + "; change it with a partition reassignment (kafka-reassign-partitions).";
        };
    }
}
