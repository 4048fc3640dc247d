package io.greenlang.bench;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.gateway.lag.GroupLag;
import io.greenlang.gateway.lag.LagMonitor;

/**
 * {@code gl bench lag}: the time of one lag evaluation of the gateway's {@link LagMonitor} ({@code sample()}:
 * committed offsets, live members, log-end offsets, committed-record timestamps, Burrow's rules over every
 * window) over P partitions x G groups, next to a raw AdminClient baseline measured in the same run on the same
 * broker: the bare {@code listConsumerGroupOffsets} (all groups, one call) plus {@code listOffsets} (latest, every
 * partition) that any lag reader needs, without the monitor's extra {@code describeConsumerGroups}, record reads
 * and evaluation. The two are interleaved sample by sample so that whatever else the machine runs weighs on both.
 *
 * <p>Set-up: one scratch topic of P partitions, 3 records per partition stamped one minute ago, G scratch groups
 * with committed offset 1 on every partition (every group-partition lags by 2 records, so every one needs a
 * timestamp). Warm-up samples first, until the monitor has read and cached every committed record's timestamp
 * (at most 100 reads per sample, its default); the measured samples are then the steady state of a periodic
 * sampler. The first (cold) sample is reported apart. The topic and groups are deleted at the end.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = "Time of one consumer-lag evaluation (LagMonitor.sample()) over partitions x groups next to "
                + "the bare AdminClient listConsumerGroupOffsets + listOffsets calls for the same groups, same run.")
final class LagBenchmark implements Callable<Integer> {

    /** Target of the lag issue: one evaluation of 1,000 partitions x 20 groups in under 1 s. */
    static final Duration TARGET = Duration.ofSeconds(1);
    private static final int RECORDS_PER_PARTITION = 3;
    private static final long COMMITTED = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Broker to measure (default: a scratch local stack started for the run).")
    private String bootstrapServers;

    @Option(names = "--partitions", defaultValue = "1000", description = "Partitions (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--groups", defaultValue = "20", description = "Consumer groups (default: ${DEFAULT-VALUE}).")
    private int groups;

    @Option(names = "--samples", defaultValue = "20",
            description = "Measured samples of each side (default: ${DEFAULT-VALUE}).")
    private int samples;

    @Override
    public Integer call() throws Exception {
        if (partitions < 1 || groups < 1 || samples < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "partitions, groups and samples must be positive");
        }
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> result = Bench.withBroker(bootstrapServers, err, servers -> run(servers, err));
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(result));
        spec.commandLine().getOut().flush();
        err.println(result.get("summary"));
        err.flush();
        return 0;
    }

    private Map<String, Object> run(String servers, PrintWriter err) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "gl.bench.lag-" + id;
        List<String> groupIds = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            groupIds.add("gl-bench-lag-" + id + "-" + g);
        }
        Map<String, Object> client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(client)) {
            progress(err, "creating " + topic + " with " + partitions + " partitions ...");
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(120, TimeUnit.SECONDS);
            try {
                produce(servers, topic);
                List<TopicPartition> tps = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int p = 0; p < partitions; p++) {
                    TopicPartition tp = new TopicPartition(topic, p);
                    tps.add(tp);
                    offsets.put(tp, new OffsetAndMetadata(COMMITTED));
                }
                progress(err, "committing offset " + COMMITTED + " for " + groups + " groups ...");
                for (String group : groupIds) {
                    admin.alterConsumerGroupOffsets(group, offsets).all().get(60, TimeUnit.SECONDS);
                }
                return measure(admin, client, groupIds, tps, err);
            } finally {
                cleanUp(admin, topic, groupIds, err);
            }
        }
    }

    /** Deletes the scratch groups and topic; a failure is reported, never thrown over the run's own outcome. */
    private static void cleanUp(Admin admin, String topic, List<String> groupIds, PrintWriter err) {
        try {
            admin.deleteConsumerGroups(groupIds).all().get(60, TimeUnit.SECONDS);
            admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            progress(err, "could not delete the scratch groups gl-bench-lag-* and topic " + topic + ": " + e);
        }
    }

    private Map<String, Object> measure(Admin admin, Map<String, Object> client, List<String> groupIds,
                                        List<TopicPartition> tps, PrintWriter err) throws Exception {
        LagMonitor.Settings settings = LagMonitor.Settings.defaults().withGroups(groupIds);
        try (LagMonitor monitor = new LagMonitor(admin, LagMonitor.consumerFactory(client), Clock.systemUTC(),
                settings)) {
            long start = System.nanoTime();
            List<GroupLag> first = monitor.sample();
            long coldNanos = System.nanoTime() - start;
            check(first);
            int warmups = (int) Math.ceil((double) tps.size() / settings.maxTimestampReadsPerSample()) + 2;
            progress(err, String.format("cold sample %.0f ms; %d warm-up samples (timestamps read, at most %d per "
                    + "sample) ...", coldNanos / 1e6, warmups, settings.maxTimestampReadsPerSample()));
            for (int i = 0; i < warmups; i++) {
                monitor.sample();
                baseline(admin, groupIds, tps);
            }
            long[] monitorNanos = new long[samples];
            long[] baselineNanos = new long[samples];
            for (int i = 0; i < samples; i++) {
                // alternate which side goes first
                if (i % 2 == 0) {
                    monitorNanos[i] = timeSample(monitor);
                    baselineNanos[i] = timeBaseline(admin, groupIds, tps);
                } else {
                    baselineNanos[i] = timeBaseline(admin, groupIds, tps);
                    monitorNanos[i] = timeSample(monitor);
                }
            }
            List<GroupLag> last = monitor.sample();
            check(last);
            long unknown = last.stream().flatMap(g -> g.partitions().stream()).filter(p -> p.timeLag() == null).count();
            double monitorP50 = percentile(monitorNanos, 50);
            double baselineP50 = percentile(baselineNanos, 50);
            boolean met = percentile(monitorNanos, 100) < TARGET.toNanos() / 1e6;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "lag");
            m.put("partitions", tps.size());
            m.put("groups", groupIds.size());
            m.put("group_partitions", (long) tps.size() * groupIds.size());
            m.put("samples", samples);
            m.put("cold_sample_ms", round1(coldNanos / 1e6));
            m.put("monitor_sample_ms", distribution(monitorNanos));
            m.put("admin_baseline_ms", distribution(baselineNanos));
            m.put("monitor_to_baseline_p50", round1(monitorP50 / baselineP50));
            m.put("unknown_time_lags_after_warmup", unknown);
            m.put("target", Map.of("max_ms_below", TARGET.toMillis(), "met", met));
            m.put("summary", String.format("lag: one evaluation of %,d partitions x %d groups p50 %.0f ms (max %.0f "
                            + "ms, cold %.0f ms); raw AdminClient listConsumerGroupOffsets + listOffsets p50 %.0f ms; "
                            + "ratio %.1fx; target (< %d ms) %s", tps.size(), groupIds.size(), monitorP50,
                    percentile(monitorNanos, 100), coldNanos / 1e6, baselineP50, monitorP50 / baselineP50,
                    TARGET.toMillis(), met ? "met" : "NOT met"));
            return m;
        }
    }

    private void check(List<GroupLag> sampled) {
        long groupPartitions = sampled.stream().mapToLong(g -> g.partitions().size()).sum();
        if (sampled.size() != groups || groupPartitions != (long) groups * partitions) {
            throw new IllegalStateException("The monitor saw " + sampled.size() + " groups and " + groupPartitions
                    + " group-partitions, expected " + groups + " and " + (long) groups * partitions);
        }
    }

    private static long timeSample(LagMonitor monitor) {
        long start = System.nanoTime();
        monitor.sample();
        return System.nanoTime() - start;
    }

    private static long timeBaseline(Admin admin, List<String> groupIds, List<TopicPartition> tps) throws Exception {
        long start = System.nanoTime();
        baseline(admin, groupIds, tps);
        return System.nanoTime() - start;
    }

    /** The bare calls: committed offsets of every group (one request) and the log-end offset of every partition. */
    private static void baseline(Admin admin, List<String> groupIds, List<TopicPartition> tps) throws Exception {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groupIds.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                admin.listConsumerGroupOffsets(specs).all().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS);
        if (committed.size() != groupIds.size() || ends.size() != tps.size()) {
            throw new IllegalStateException("The baseline read " + committed.size() + " groups and " + ends.size()
                    + " partitions");
        }
    }

    private void produce(String servers, String topic) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                // partitions of a fresh topic may refuse the first writes (NOT_LEADER_OR_FOLLOWER); with pipelined
                // requests the idempotent producer was seen to retry out of sequence (see KafkaBaseline)
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        long stamp = Instant.now().minusSeconds(60).toEpochMilli();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                for (int r = 0; r < RECORDS_PER_PARTITION; r++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, stamp + r, null, new byte[16])));
                }
            }
            producer.flush();
            for (var future : sent) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, Object> distribution(long[] nanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", round1(percentile(nanos, 50)));
        m.put("p90", round1(percentile(nanos, 90)));
        m.put("max", round1(percentile(nanos, 100)));
        m.put("mean", round1(Arrays.stream(nanos).average().orElse(0) / 1e6));
        return m;
    }

    /** Nearest-rank percentile in milliseconds. */
    private static double percentile(long[] nanos, int percent) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = Math.max(1, (int) Math.ceil(percent / 100.0 * sorted.length));
        return sorted[rank - 1] / 1e6;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static void progress(PrintWriter err, String message) {
        err.println("  " + message);
        err.flush();
    }
}
