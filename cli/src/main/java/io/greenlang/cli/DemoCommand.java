package io.greenlang.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.localstack.LocalStack;
import io.greenlang.schemas.EventSamples;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * {@code gl demo}: starts the platform on a scratch local stack, runs a sample pipeline through the run
 * orchestrator ({@link RunDemo}) while the process-heat side ({@link ProcessHeat}) warms up, then plays the plant
 * scenario ({@link PlantDemo}), sends one event of every kind through its catalog topic and serdes and reads each
 * back, prints what happened, and stops. Exit code 1 when the run, the plant scenario or a round trip fails.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the platform on embedded servers, send one event of each kind through its topic and "
                + "read it back, run a sample pipeline through the orchestrator and the executor worker (reference "
                + "agents as local processes, artifacts in S3), run three simulated plants and 99 sub-agents (trip a "
                + "boiler, stop 10 agents), print what happened, and stop.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the demo's data here (default: a scratch directory deleted afterwards).")
    private Path dataDirectory;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean scratch = dataDirectory == null;
        Path dir = scratch ? Files.createTempDirectory("gl-demo-") : dataDirectory;
        int failures;
        boolean runSucceeded;
        boolean plantsSucceeded;
        try (LocalPlatform platform = LocalPlatform.start(
                LocalStack.builder(dir).deleteDataOnClose(scratch), dir, out)) {
            String servers = platform.stack().kafkaBootstrapServers();
            GlConfig config = GlConfig.load(LocalServices.stackEnvironment(platform.stack(), dir), Optional.empty());
            try (ProcessHeat heat = ProcessHeat.start(config, TopicCatalog.standard(), ProcessHeat.DEFAULT_PLANTS,
                    ProcessHeat.DEFAULT_BOILERS, dir, new GlMeters(new SimpleMeterRegistry()), false, out)) {
                runSucceeded = RunDemo.run(platform.stack(), dir, out);
                plantsSucceeded = PlantDemo.run(heat, servers, TopicCatalog.standard(), out);
            }
            failures = roundTripEveryEvent(servers, out);
        }
        if (failures > 0) {
            spec.commandLine().getErr().println("demo: " + failures + " event kind(s) did not round-trip; see above. "
                    + "Fix: run './mvnw verify' to find the failing serde or topic.");
            return 1;
        }
        if (!plantsSucceeded) {
            spec.commandLine().getErr().println("demo: the process-heat scenario did not show every expected event; "
                    + "see above. Fix: run with GL_LOG_LEVEL=DEBUG to see the SCADA bridges' and the Streams "
                    + "applications' log.");
            return 1;
        }
        if (!runSucceeded) {
            spec.commandLine().getErr().println("demo: the sample run did not succeed; its transitions are above. "
                    + "Fix: run with GL_LOG_LEVEL=DEBUG to see the orchestrator's and the worker's log, "
                    + "and read the failed step's logs.txt among the S3 keys above.");
            return 1;
        }
        out.println("Demo complete: every event kind went through Kafka intact, and the sample pipeline ran through "
                + "the orchestrator and the executor worker (policy, dispatch, three reference agents, results "
                + "verified); its audit chains verified, and rebuilt from the topics equal to the live store; three simulated "
                + "plants ran through SCADA, plant state and dispatch, and 99 sub-agents through agent health (trip -> "
                + "HEAT_LOSS and a new plan; 10 agents stopped -> critical cascade).");
        return 0;
    }

    private int roundTripEveryEvent(String bootstrapServers, PrintWriter out) {
        List<Topic<?, ?>> topics = TopicCatalog.standard().all();
        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Producing one event of each kind (" + topics.size() + " topics) ...");
        Map<String, Integer> sizes = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Topic<?, ?> topic : topics) {
                byte[] value = serialize(topic);
                byte[] key = roundTripKey(topic);
                producer.send(new ProducerRecord<>(topic.name(), key, value));
                sizes.put(topic.name(), value.length);
            }
            producer.flush();
        }
        LocalPlatform.done(out, t0);

        long t1 = System.nanoTime();
        LocalPlatform.step(out, "Consuming them back and decoding with the catalog's serdes ...");
        Map<String, Object> received = consumeOnePerTopic(bootstrapServers, topics);
        LocalPlatform.done(out, t1);

        out.println();
        out.printf("  %-24s %-22s %6s  %s%n", "TOPIC", "EVENT", "BYTES", "RESULT");
        int failures = 0;
        for (Topic<?, ?> topic : topics) {
            Object expected = EventSamples.sample(topic.valueType().asSubclass(
                    org.apache.avro.specific.SpecificRecord.class));
            Object actual = received.get(topic.name());
            boolean ok = expected.equals(actual);
            if (!ok) {
                failures++;
            }
            out.printf("  %-24s %-22s %6d  %s%n", topic.name(), topic.valueType().getSimpleName(),
                    sizes.get(topic.name()), ok ? "ok" : actual == null ? "NOT RECEIVED" : "DIFFERENT");
        }
        out.println();
        out.flush();
        return failures;
    }

    /** The key the round trip marks its own records with, so that other records on the topics are skipped. */
    private static byte[] roundTripKey(Topic<?, ?> topic) {
        return ("gl-demo-roundtrip-" + topic.valueType().getSimpleName()).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static <V> byte[] serialize(Topic<?, V> topic) {
        V sample = (V) EventSamples.sample(topic.valueType().asSubclass(org.apache.avro.specific.SpecificRecord.class));
        return topic.valueSerde().serializer().serialize(topic.name(), sample);
    }

    private static Map<String, Object> consumeOnePerTopic(String bootstrapServers, List<Topic<?, ?>> topics) {
        Map<String, Object> received = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                for (int p = 0; p < topic.partitions(); p++) {
                    partitions.add(new TopicPartition(topic.name(), p));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < topics.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Topic<?, ?> topic = TopicCatalog.standard().byName(record.topic()).orElseThrow();
                    if (!java.util.Arrays.equals(record.key(), roundTripKey(topic))) {
                        continue; // the orchestrator's and earlier runs' records on the same topic
                    }
                    received.put(record.topic(), topic.valueSerde().deserializer().deserialize(record.topic(),
                            record.value()));
                }
            }
        }
        return received;
    }

}
