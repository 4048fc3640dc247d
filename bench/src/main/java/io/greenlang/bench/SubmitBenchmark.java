package io.greenlang.bench;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.greenlang.audit.AuditDataSources;
import io.greenlang.common.config.PostgresConnection;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.submit.RunSubmissions;
import io.greenlang.gateway.submit.SubmitSettings;
import io.greenlang.localstack.LocalStack;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gl bench submit}: runs submitted through {@code POST /api/v1/runs} (validation, one PostgreSQL
 * transaction with the outbox row) and published by the Debezium embedded engine to {@code gl.run.requests};
 * runs/s and the latency from sending the request to the RunRequested being read from the topic, next to the raw
 * Kafka baseline of the same broker. Always on a scratch local stack (it needs PostgreSQL with logical decoding).
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Runs through POST /api/v1/runs, the transactional outbox and Debezium to gl.run.requests: "
                + "runs/s and request -> RunRequested-on-the-topic latency (p50, p99), next to the raw Kafka baseline.")
final class SubmitBenchmark implements Callable<Integer> {

    private static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: bench-report
              namespace: bench
            spec:
              parameters:
                - name: year
                  type: integer
                  required: true
              steps:
                - name: fetch
                  agent: GL-DATA-X-001
                  inputs:
                    year: ${params.year}
                - name: report
                  agent: GL-REPORT-X-001
                  depends_on: [fetch]
                  inputs:
                    dataset: ${steps.fetch.outputs.dataset}
            """;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", defaultValue = "2000", description = "Runs measured (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--warmup-runs", defaultValue = "500",
            description = "Runs submitted before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    private int warmupRuns;

    @Option(names = "--clients", defaultValue = "8",
            description = "Concurrent HTTP clients, each sending its next request when the last is answered "
                    + "(default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--baseline-records", defaultValue = "200000",
            description = "Records of the raw Kafka baseline measured in the same run (default: ${DEFAULT-VALUE}).")
    private int baselineRecords;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("gl-bench-");
        err.println("starting a scratch local stack under " + dir + " ...");
        err.flush();
        Map<String, Object> json;
        try (LocalStack stack = LocalStack.builder(dir).deleteDataOnClose(true).build().start();
             HikariDataSource dataSource = AuditDataSources.pooled(new PostgresConnection(stack.jdbcUrl(),
                     stack.postgresUser(), new Password(stack.postgresPassword()), 10, 5), "gl-bench-submit")) {
            new GatewayDatabase(dataSource, "gateway").migrate();
            TopicCatalog catalog = TopicCatalog.standard();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
                admin.createTopics(List.of(
                        new NewTopic(catalog.runRequests().name(), TopicCatalog.RUN_PARTITIONS, (short) 1),
                        new NewTopic(catalog.runCommands().name(), TopicCatalog.RUN_PARTITIONS, (short) 1)))
                        .all().get();
            }
            SubmitSettings settings = new SubmitSettings("gateway", "gl_outbox_bench", Duration.ofMillis(10),
                    "127.0.0.1", stack.postgresPort(), stack.databaseName(), stack.postgresUser(),
                    stack.postgresPassword(), "gl-bench");
            Principal submitter = new Principal("bench", "bench-tenant", Set.of(Role.SUBMITTER));
            try (RunSubmissions submissions = RunSubmissions.builder(settings, dataSource,
                            Map.of("bootstrap.servers", stack.kafkaBootstrapServers())).build().start();
                    ApiServer server = ApiServer.builder().authenticator(ctx -> Optional.of(submitter))
                            .routes(submissions.routes(), RunSubmissions.COMPONENTS).build().start(0);
                    Arrivals arrivals = new Arrivals(stack.kafkaBootstrapServers(), catalog)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!submissions.healthCheck().check().isUp()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the outbox engine did not start streaming in 60 s");
                    }
                    Thread.sleep(100);
                }
                err.println("  warm-up: " + warmupRuns + " runs ...");
                err.flush();
                Phase warmup = submit(server.port(), warmupRuns, arrivals);
                arrivals.await(warmup.started().keySet(), Duration.ofMinutes(2));
                err.println("  measuring: " + runs + " runs with " + clients + " clients ...");
                err.flush();
                Phase measured = submit(server.port(), runs, arrivals);
                arrivals.await(measured.started().keySet(), Duration.ofMinutes(5));
                json = report(measured, arrivals, err);
            }
            err.println("  kafka baseline: " + baselineRecords + " records ...");
            err.flush();
            KafkaBaseline.Result baseline = new KafkaBaseline(stack.kafkaBootstrapServers())
                    .run(new KafkaBaseline.Settings(baselineRecords, 200, 1), (phase, done) -> { });
            json.put("kafka_baseline", baseline.toMap());
            // each run is one record on the topic: the ratio is the price of validation, the transaction and CDC
            double ratio = ((Number) json.get("runs_per_sec")).doubleValue() / baseline.producer().recordsPerSecond();
            json.put("ratio_to_raw_produce", Math.round(ratio * 10_000) / 10_000.0);
            json.put("summary", json.get("summary") + " | " + baseline.summary()
                    + String.format(" | ratio to raw produce %.4f", ratio));
        }
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        err.println(json.get("summary"));
        err.flush();
        return 0;
    }

    /** Request start times by run id, and the wall time of the phase's first request. */
    private record Phase(Map<String, Long> started, Map<String, Long> answered, long firstNanos) {
    }

    private Phase submit(int port, int count, Arrivals arrivals) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(clients)).build();
        ObjectMapper mapper = Bench.json();
        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, Long> answered = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/runs");
        long first = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        byte[] body = mapper.writeValueAsBytes(Map.of("pipeline", PIPELINE,
                                "parameters", Map.of("year", "2025")));
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 202) {
                            throw new IllegalStateException("POST /api/v1/runs answered " + response.statusCode()
                                    + ": " + response.body());
                        }
                        long end = System.nanoTime();
                        String runId = mapper.readTree(response.body()).get("run_id").asText();
                        started.put(runId, start);
                        answered.put(runId, end - start);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Phase(started, answered, first);
    }

    private Map<String, Object> report(Phase phase, Arrivals arrivals, PrintWriter err) {
        long[] latencies = phase.started().entrySet().stream()
                .mapToLong(e -> arrivals.seen.get(e.getKey()) - e.getValue()).sorted().toArray();
        long last = phase.started().keySet().stream().mapToLong(arrivals.seen::get).max().orElseThrow();
        double seconds = (last - phase.firstNanos()) / 1e9;
        double runsPerSecond = phase.started().size() / seconds;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "submit");
        json.put("runs", phase.started().size());
        json.put("clients", clients);
        json.put("runs_per_sec", Math.round(runsPerSecond * 10) / 10.0);
        json.put("latency_ms", Map.of("p50", ms(percentile(latencies, 0.50)), "p99", ms(percentile(latencies, 0.99)),
                "max", ms(latencies[latencies.length - 1])));
        long[] http = phase.answered().values().stream().mapToLong(Long::longValue).sorted().toArray();
        json.put("http_answer_ms", Map.of("p50", ms(percentile(http, 0.50)), "p99", ms(percentile(http, 0.99))));
        json.put("path", "POST /api/v1/runs (validate, 1 PostgreSQL transaction: run + outbox row) -> Debezium "
                + "pgoutput (poll 10 ms) -> producer acks=all -> gl.run.requests read by a consumer");
        json.put("summary", String.format("submit: %,.1f runs/s with %d clients, request -> RunRequested on the "
                        + "topic p50 %.1f ms, p99 %.1f ms (HTTP 202 p50 %.1f ms, p99 %.1f ms; %,d runs)", runsPerSecond, clients,
                ms(percentile(latencies, 0.50)), ms(percentile(latencies, 0.99)), ms(percentile(http, 0.50)),
                ms(percentile(http, 0.99)), latencies.length));
        return json;
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    /** Reads gl.run.requests on its own thread and notes when each run id was first seen. */
    private static final class Arrivals implements AutoCloseable {
        private final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Arrivals(String bootstrapServers, TopicCatalog catalog) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    bootstrapServers, "enable.auto.commit", false), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            String topic = catalog.runRequests().name();
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < TopicCatalog.RUN_PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                            long now = System.nanoTime();
                            seen.putIfAbsent(catalog.runRequests().keySerde().deserializer()
                                    .deserialize(topic, record.key()), now);
                        }
                    }
                }
            }, "gl-bench-submit-reader");
            thread.setDaemon(true);
            thread.start();
        }

        void await(Set<String> runIds, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.keySet().containsAll(runIds)) {
                if (System.nanoTime() > deadline) {
                    long missing = runIds.stream().filter(id -> !seen.containsKey(id)).count();
                    throw new IllegalStateException(missing + " runs were not published within " + timeout);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
        }
    }

}
