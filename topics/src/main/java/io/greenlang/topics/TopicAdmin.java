package io.greenlang.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a cluster's topics in line with the {@link TopicCatalog}: {@link #diff} says what differs,
 * {@link #apply} creates missing topics, raises partition counts and aligns managed configs, and
 * {@link #describe} reads what the cluster has.
 *
 * <p>It never deletes a topic and never lowers a partition count: a catalog asking for fewer partitions than
 * the cluster has is refused as a whole, before anything is changed. Replication factors are capped at the
 * number of brokers, so the production catalog applies to a single-broker local stack; a replication factor
 * that differs otherwise is reported and left for a partition reassignment.
 *
 * <p>The {@link Admin} client is borrowed, not owned: the caller closes it.
 */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

    private static final Duration PROPAGATION_POLL = Duration.ofMillis(50);

    private final Admin admin;
    private final Duration timeout;

    /** Uses {@code admin} for every call, waiting at most {@code timeout} for each. */
    public TopicAdmin(Admin admin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** What the cluster holds for each of these topics, in the given order. */
    public List<TopicStatus> describe(Collection<? extends Topic<?, ?>> topics) {
        Set<String> existing = get(admin.listTopics().names());
        List<String> present = topics.stream().map(Topic::name).filter(existing::contains).toList();
        Map<String, TopicDescription> descriptions = present.isEmpty() ? Map.of()
                : get(admin.describeTopics(present).allTopicNames());
        Map<String, Map<String, String>> configs = readConfigs(present);
        List<TopicStatus> result = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            TopicDescription d = descriptions.get(topic.name());
            if (d == null) {
                result.add(new TopicStatus(topic.name(), false, 0, 0, Map.of()));
                continue;
            }
            int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            Map<String, String> managed = new TreeMap<>();
            Map<String, String> actual = configs.getOrDefault(topic.name(), Map.of());
            for (String key : topic.managedConfigs().keySet()) {
                if (actual.containsKey(key)) {
                    managed.put(key, actual.get(key));
                }
            }
            result.add(new TopicStatus(topic.name(), true, d.partitions().size(), rf, managed));
        }
        return result;
    }

    /** Every difference between the catalog's topics and the cluster; empty when they match. */
    public List<TopicDifference> diff(Collection<? extends Topic<?, ?>> topics) {
        int brokers = get(admin.describeCluster().nodes()).size();
        Map<String, TopicStatus> statuses = describe(topics).stream()
                .collect(Collectors.toMap(TopicStatus::name, s -> s, (a, b) -> a, LinkedHashMap::new));
        List<TopicDifference> differences = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            TopicStatus status = statuses.get(topic.name());
            if (!status.exists()) {
                differences.add(new TopicDifference(topic.name(), TopicDifference.Kind.MISSING, null,
                        topic.partitions() + " partitions, " + topic.managedConfigs(), null));
                continue;
            }
            if (status.partitions() < topic.partitions()) {
                differences.add(new TopicDifference(topic.name(), TopicDifference.Kind.PARTITIONS_BELOW, null,
                        Integer.toString(topic.partitions()), Integer.toString(status.partitions())));
            } else if (status.partitions() > topic.partitions()) {
                differences.add(new TopicDifference(topic.name(), TopicDifference.Kind.PARTITIONS_ABOVE, null,
                        Integer.toString(topic.partitions()), Integer.toString(status.partitions())));
            }
            int expectedRf = effectiveReplicationFactor(topic, brokers);
            if (status.replicationFactor() != expectedRf) {
                differences.add(new TopicDifference(topic.name(), TopicDifference.Kind.REPLICATION_FACTOR, null,
                        Integer.toString(expectedRf), Integer.toString(status.replicationFactor())));
            }
            topic.managedConfigs().forEach((key, expected) -> {
                String actual = status.configs().get(key);
                if (!expected.equals(actual)) {
                    differences.add(new TopicDifference(topic.name(), TopicDifference.Kind.CONFIG, key, expected,
                            actual));
                }
            });
        }
        return differences;
    }

    /**
     * Makes the cluster match the catalog for these topics, as far as that is safe.
     *
     * @throws TopicCatalogRefusedException when a difference cannot be applied (nothing is changed then)
     */
    public ApplyReport apply(Collection<? extends Topic<?, ?>> topics) {
        List<TopicDifference> differences = diff(topics);
        List<TopicDifference> refused = differences.stream()
                .filter(d -> d.kind().fix() == TopicDifference.Fix.REFUSED).toList();
        if (!refused.isEmpty()) {
            throw new TopicCatalogRefusedException(refused);
        }
        int brokers = get(admin.describeCluster().nodes()).size();
        Map<String, Topic<?, ?>> byName = new HashMap<>();
        topics.forEach(t -> byName.put(t.name(), t));

        List<NewTopic> creations = new ArrayList<>();
        Map<String, NewPartitions> raises = new LinkedHashMap<>();
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new LinkedHashMap<>();
        List<TopicDifference> applied = new ArrayList<>();
        List<TopicDifference> leftAlone = new ArrayList<>();
        for (TopicDifference d : differences) {
            Topic<?, ?> topic = byName.get(d.topic());
            switch (d.kind()) {
                case MISSING -> creations.add(new NewTopic(topic.name(), topic.partitions(),
                        (short) effectiveReplicationFactor(topic, brokers)).configs(topic.managedConfigs()));
                case PARTITIONS_BELOW -> raises.put(topic.name(), NewPartitions.increaseTo(topic.partitions()));
                case CONFIG -> alterations.computeIfAbsent(
                                new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), k -> new ArrayList<>())
                        .add(new AlterConfigOp(new ConfigEntry(d.configKey(), d.expected()), AlterConfigOp.OpType.SET));
                case REPLICATION_FACTOR, PARTITIONS_ABOVE -> {
                    leftAlone.add(d);
                    continue;
                }
            }
            applied.add(d);
        }
        if (!creations.isEmpty()) {
            createTopics(creations);
        }
        if (!raises.isEmpty()) {
            get(admin.createPartitions(raises).all());
        }
        if (!alterations.isEmpty()) {
            get(admin.incrementalAlterConfigs(alterations).all());
        }
        if (!applied.isEmpty()) {
            awaitPropagation(topics, applied);
        }
        List<String> grown = new ArrayList<>(creations.stream().map(NewTopic::name).toList());
        grown.addAll(raises.keySet());
        if (!grown.isEmpty()) {
            awaitLeaders(grown);
        }
        applied.forEach(d -> log.info("Applied: {}", d.describe()));
        leftAlone.forEach(d -> log.warn("Left alone: {}", d.describe()));
        return new ApplyReport(applied, leftAlone);
    }

    /**
     * Waits until every broker's metadata shows the applied changes: the controller commits a change before
     * the brokers serve it, so a diff right after apply could otherwise still see the old state.
     */
    private void awaitPropagation(Collection<? extends Topic<?, ?>> topics, List<TopicDifference> applied) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicDifference> pending = applied;
        while (true) {
            List<TopicDifference> now = diff(topics);
            pending = pending.stream().filter(d -> now.stream().anyMatch(n -> sameSubject(n, d))).toList();
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TopicAdminException("Applied changes are not visible after " + timeout + ": "
                        + pending.stream().map(TopicDifference::describe).collect(Collectors.joining("; ")), null);
            }
            try {
                Thread.sleep(PROPAGATION_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
    }

    /**
     * Waits until the leader of every partition of these topics serves requests. A broker learns that it leads a
     * new partition a little after the metadata says so; a producer writing in that window gets
     * NOT_LEADER_OR_FOLLOWER, and an idempotent producer retrying through it has been seen to leave a batch
     * unsent until its delivery timeout. A {@code ListOffsets} answered by every leader closes the window.
     */
    private void awaitLeaders(List<String> topicNames) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        get(admin.describeTopics(topicNames).allTopicNames()).forEach((name, description) ->
                description.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()),
                        OffsetSpec.latest())));
        while (true) {
            try {
                get(admin.listOffsets(partitions).all());
                return;
            } catch (TopicAdminException e) {
                if (System.nanoTime() > deadline) {
                    throw new TopicAdminException("The leaders of " + topicNames + " do not serve after " + timeout
                            + ": " + e.getMessage(), e.getCause());
                }
                log.debug("Partition leaders not serving yet: {}", e.getMessage());
            }
            try {
                Thread.sleep(PROPAGATION_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
    }

    private static boolean sameSubject(TopicDifference a, TopicDifference b) {
        return a.topic().equals(b.topic()) && a.kind() == b.kind() && Objects.equals(a.configKey(), b.configKey());
    }

    private void createTopics(List<NewTopic> creations) {
        try {
            get(admin.createTopics(creations).all());
        } catch (TopicAdminException e) {
            // Another instance may have created some of them since the diff; that is the outcome we want.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            log.info("Some topics were created concurrently by another client: {}", e.getCause().getMessage());
        }
    }

    private static int effectiveReplicationFactor(Topic<?, ?> topic, int brokers) {
        return Math.max(1, Math.min(topic.replicationFactor(), brokers));
    }

    private Map<String, Map<String, String>> readConfigs(List<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all());
        Map<String, Map<String, String>> result = new HashMap<>();
        configs.forEach((resource, config) -> {
            Map<String, String> values = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (entry.value() != null) {
                    values.put(entry.name(), entry.value());
                }
            }
            result.put(resource.name(), values);
        });
        return result;
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new TopicAdminException("Kafka admin call failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicAdminException("Kafka admin call did not answer within " + timeout
                    + "; is the cluster reachable?", e);
        }
    }
}
