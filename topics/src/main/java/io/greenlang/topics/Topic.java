package io.greenlang.topics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the platform, fully described: its name, how its keys and values are serialised, and how the
 * cluster must hold it (partitions, replication, cleanup, retention). Topologies, producers, consumers, the
 * admin tooling and the tests all take topics from the {@link TopicCatalog}, so a topic's name and serdes are
 * written down once.
 *
 * <p>Instances are immutable. A topic never carries cluster state: what the cluster actually has is read by
 * {@link TopicAdmin}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Topic<K, V> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Class<V> valueType;
    private final int partitions;
    private final short replicationFactor;
    private final CleanupPolicy cleanupPolicy;
    private final Retention retention;
    private final String keyDescription;
    private final String description;

    private Topic(Builder<K, V> b) {
        this.name = requireName(b.name);
        this.keySerde = Objects.requireNonNull(b.keySerde, "keySerde of " + b.name);
        this.valueSerde = Objects.requireNonNull(b.valueSerde, "valueSerde of " + b.name);
        this.valueType = Objects.requireNonNull(b.valueType, "valueType of " + b.name);
        if (b.partitions < 1) {
            throw new IllegalArgumentException("topic " + b.name + ": partitions must be at least 1, was " + b.partitions);
        }
        if (b.replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + b.name + ": replication factor must be at least 1, was "
                    + b.replicationFactor);
        }
        this.partitions = b.partitions;
        this.replicationFactor = b.replicationFactor;
        this.cleanupPolicy = Objects.requireNonNull(b.cleanupPolicy, "cleanupPolicy of " + b.name);
        if (cleanupPolicy == CleanupPolicy.COMPACT && b.retention != null) {
            throw new IllegalArgumentException("topic " + b.name + ": a compacted topic takes no retention");
        }
        if (cleanupPolicy == CleanupPolicy.DELETE && b.retention == null) {
            throw new IllegalArgumentException("topic " + b.name + ": a delete topic needs a retention (or forever)");
        }
        this.retention = b.retention;
        this.keyDescription = Objects.requireNonNull(b.keyDescription, "key description of " + b.name);
        this.description = Objects.requireNonNull(b.description, "description of " + b.name);
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("not a legal Kafka topic name: '" + name + "'");
        }
        return name;
    }

    /** Starts describing a topic. */
    public static <K, V> Builder<K, V> builder(String name, Serde<K> keySerde, Serde<V> valueSerde, Class<V> valueType) {
        return new Builder<>(name, keySerde, valueSerde, valueType);
    }

    /** The topic's name in the cluster. */
    public String name() {
        return name;
    }

    /** The serde of the record keys. */
    public Serde<K> keySerde() {
        return keySerde;
    }

    /** The serde of the record values. */
    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /** The class of the record values. */
    public Class<V> valueType() {
        return valueType;
    }

    /** The number of partitions the topic must have. */
    public int partitions() {
        return partitions;
    }

    /**
     * The replication factor the topic asks for on a production cluster. {@link TopicAdmin} caps it at the
     * number of brokers, so that the same catalog serves a single-broker local stack.
     */
    public short replicationFactor() {
        return replicationFactor;
    }

    /** How the log discards old records. */
    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /** How long records are kept, or {@code null} for a compacted topic. */
    public Retention retention() {
        return retention;
    }

    /** What the record key is (for example {@code run_id}). */
    public String keyDescription() {
        return keyDescription;
    }

    /** What the topic carries, who writes it and who reads it. */
    public String description() {
        return description;
    }

    /**
     * The topic configs that {@link TopicAdmin} keeps aligned with the cluster, with their expected values.
     * Configs not listed here are left as the cluster has them.
     */
    public Map<String, String> managedConfigs() {
        Map<String, String> configs = new TreeMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.configValue());
        if (retention != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.retentionMs()));
        }
        return configs;
    }

    /** The same topic under another name, for example with a per-test or per-environment prefix. */
    public Topic<K, V> renamed(String newName) {
        Builder<K, V> b = toBuilder();
        b.name = newName;
        return b.build();
    }

    /** A builder holding this topic's values, to derive a variant. */
    public Builder<K, V> toBuilder() {
        Builder<K, V> b = new Builder<>(name, keySerde, valueSerde, valueType);
        b.partitions = partitions;
        b.replicationFactor = replicationFactor;
        b.cleanupPolicy = cleanupPolicy;
        b.retention = retention;
        b.keyDescription = keyDescription;
        b.description = description;
        return b;
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", " + valueType.getSimpleName() + ", partitions=" + partitions + ", rf="
                + replicationFactor + ", " + cleanupPolicy + (retention == null ? "" : ", retention " + retention) + "]";
    }

    /** Builds a {@link Topic}. */
    public static final class Builder<K, V> {
        private String name;
        private final Serde<K> keySerde;
        private final Serde<V> valueSerde;
        private final Class<V> valueType;
        private int partitions = 1;
        private short replicationFactor = 3;
        private CleanupPolicy cleanupPolicy = CleanupPolicy.DELETE;
        private Retention retention;
        private String keyDescription;
        private String description;

        private Builder(String name, Serde<K> keySerde, Serde<V> valueSerde, Class<V> valueType) {
            this.name = name;
            this.keySerde = keySerde;
            this.valueSerde = valueSerde;
            this.valueType = valueType;
        }

        /** Number of partitions (default 1). */
        public Builder<K, V> partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Replication factor on a production cluster (default 3). */
        public Builder<K, V> replicationFactor(int replicationFactor) {
            this.replicationFactor = (short) replicationFactor;
            return this;
        }

        /** A delete topic keeping records for the given retention. */
        public Builder<K, V> delete(Retention retention) {
            this.cleanupPolicy = CleanupPolicy.DELETE;
            this.retention = retention;
            return this;
        }

        /** A compacted topic: the latest record per key is kept. */
        public Builder<K, V> compact() {
            this.cleanupPolicy = CleanupPolicy.COMPACT;
            this.retention = null;
            return this;
        }

        /** What the record key is. */
        public Builder<K, V> key(String keyDescription) {
            this.keyDescription = keyDescription;
            return this;
        }

        /** What the topic carries, who writes and who reads it. */
        public Builder<K, V> description(String description) {
            this.description = description;
            return this;
        }

        /** The immutable topic. */
        public Topic<K, V> build() {
            return new Topic<>(this);
        }
    }
}
