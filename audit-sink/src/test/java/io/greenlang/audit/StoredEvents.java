package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;

/** The rows of an audit store read back for assertions: what a load produced must be stored exactly so. */
final class StoredEvents {

    /** One stored event: its chain link and its Kafka coordinates. */
    record Row(String chainId, long seq, String topic, int partition, long offset, String eventId) {
    }

    private record Coordinates(String topic, int partition, long offset) {
    }

    private StoredEvents() {
    }

    static long count(DataSource dataSource, String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM " + schema
                     + ".audit_events");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Every stored event, in chain and seq order. */
    static List<Row> read(DataSource dataSource, String schema) throws SQLException {
        List<Row> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT chain_id, seq, topic, partition, "
                     + "\"offset\", event_id FROM " + schema + ".audit_events ORDER BY chain_id, seq");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.add(new Row(rows.getString(1), rows.getLong(2), rows.getString(3), rows.getInt(4),
                        rows.getLong(5), rows.getString(6)));
            }
        }
        return result;
    }

    /**
     * Partitions where a committed offset is ahead of what is stored: the group committed offset {@code c} of a
     * partition, so offsets {@code 0..c-1} of it must all be stored.
     */
    static Map<TopicPartition, String> committedButNotStored(Map<TopicPartition, Long> committed, List<Row> rows) {
        Map<TopicPartition, Set<Long>> stored = new HashMap<>();
        rows.forEach(row -> stored.computeIfAbsent(new TopicPartition(row.topic(), row.partition()),
                p -> new HashSet<>()).add(row.offset()));
        Map<TopicPartition, String> result = new LinkedHashMap<>();
        committed.forEach((partition, offset) -> {
            Set<Long> offsets = stored.getOrDefault(partition, Set.of());
            long below = offsets.stream().filter(o -> o < offset).count();
            if (below != offset) {
                result.put(partition, "committed " + offset + ", stored below it " + below);
            }
        });
        return result;
    }

    /**
     * Asserts that {@code rows} hold each produced event once, at its coordinates with its event id, and nothing
     * else; and that every chain's seqs run 1..n in the order its events were written to their partition.
     */
    static void assertEveryEventStoredOnceInChainOrder(List<Row> rows, List<SteadyLoad.Produced> produced) {
        Map<Coordinates, String> expected = new HashMap<>();
        produced.forEach(p -> expected.put(new Coordinates(p.topic(), p.partition(), p.offset()), p.eventId()));
        assertThat(expected).as("distinct coordinates produced").hasSize(produced.size());

        Map<Coordinates, String> stored = new HashMap<>();
        List<Coordinates> duplicates = new ArrayList<>();
        List<Coordinates> unexpected = new ArrayList<>();
        List<String> wrongEvent = new ArrayList<>();
        for (Row row : rows) {
            Coordinates coordinates = new Coordinates(row.topic(), row.partition(), row.offset());
            if (stored.put(coordinates, row.eventId()) != null) {
                duplicates.add(coordinates);
            }
            String eventId = expected.get(coordinates);
            if (eventId == null) {
                unexpected.add(coordinates);
            } else if (!eventId.equals(row.eventId())) {
                wrongEvent.add(coordinates + " holds " + row.eventId() + " instead of " + eventId);
            }
        }
        List<Coordinates> missing = expected.keySet().stream().filter(c -> !stored.containsKey(c))
                .sorted(Comparator.comparing(Coordinates::topic).thenComparing(Coordinates::partition)
                        .thenComparing(Coordinates::offset))
                .toList();
        assertThat(duplicates).as("coordinates stored more than once").isEmpty();
        assertThat(unexpected).as("stored coordinates never produced").isEmpty();
        assertThat(missing).as("produced coordinates not stored").isEmpty();
        assertThat(wrongEvent).as("coordinates holding another event").isEmpty();
        assertThat(rows).as("stored rows").hasSize(produced.size());

        Map<String, List<SteadyLoad.Produced>> expectedChains = new HashMap<>();
        produced.forEach(p -> expectedChains.computeIfAbsent(p.chainId(), c -> new ArrayList<>()).add(p));
        Map<String, List<Row>> storedChains = new LinkedHashMap<>();
        rows.forEach(row -> storedChains.computeIfAbsent(row.chainId(), c -> new ArrayList<>()).add(row));
        assertThat(storedChains.keySet()).as("chains").containsExactlyInAnyOrderElementsOf(expectedChains.keySet());
        storedChains.forEach((chainId, chain) -> {
            List<String> links = chain.stream().map(r -> r.seq() + ":" + r.partition() + "@" + r.offset()).toList();
            List<String> written = new ArrayList<>();
            List<SteadyLoad.Produced> inPartitionOrder = expectedChains.get(chainId).stream()
                    .sorted(Comparator.comparingInt(SteadyLoad.Produced::partition)
                            .thenComparingLong(SteadyLoad.Produced::offset))
                    .toList();
            for (int i = 0; i < inPartitionOrder.size(); i++) {
                SteadyLoad.Produced p = inPartitionOrder.get(i);
                written.add((i + 1) + ":" + p.partition() + "@" + p.offset());
            }
            assertThat(links).as("seq:partition@offset of chain %s", chainId).containsExactlyElementsOf(written);
        });
    }
}
