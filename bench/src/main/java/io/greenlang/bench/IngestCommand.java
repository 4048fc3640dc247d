package io.greenlang.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.bench.ingest.IngestBenchmark;
import io.greenlang.streams.plant.PlantStateApp;

/**
 * {@code gl bench ingest}: plant simulator -> SCADA bridge -> Kafka -> plant state, readings/s and source-to-state
 * latency, next to the raw OPC UA subscription rate and the raw Kafka producer rate measured in the same run.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Plant simulator (OPC UA) -> SCADA bridge -> gl.scada.telemetry -> plant state: readings/s and "
                + "p99 source-to-state latency, next to a raw OPC UA subscription and a raw Kafka producer.")
final class IngestCommand implements Callable<Integer> {

    /** Targets of issue 7 on 2 cores. */
    static final double TARGET_READINGS_PER_SEC = 50_000;
    static final double TARGET_RATIO_TO_OPC_UA = 0.5;
    static final double TARGET_P99_MS = 100;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Broker to measure (default: a scratch local stack started for the run).")
    private String bootstrapServers;

    @Option(names = "--plants", defaultValue = "4", description = "Plants (default: ${DEFAULT-VALUE}).")
    private int plants;

    @Option(names = "--boilers", defaultValue = "10",
            description = "Boilers per plant, 9 tags each plus the plant's demand (default: ${DEFAULT-VALUE}).")
    private int boilers;

    @Option(names = "--tick-ms", defaultValue = "5",
            description = "Simulator tick: every value moves this often (default: ${DEFAULT-VALUE}).")
    private long tickMs;

    @Option(names = "--sampling-ms", defaultValue = "1",
            description = "OPC UA sampling interval of every tag (default: ${DEFAULT-VALUE}).")
    private double samplingMs;

    @Option(names = "--publishing-ms", defaultValue = "20",
            description = "OPC UA publishing interval, i.e. one telemetry batch per plant this often "
                    + "(default: ${DEFAULT-VALUE}).")
    private double publishingMs;

    @Option(names = "--queue-size", defaultValue = "20",
            description = "Monitored item queue size (default: ${DEFAULT-VALUE}).")
    private int queueSize;

    @Option(names = "--warmup-seconds", defaultValue = "20",
            description = "Seconds each phase runs before it is measured (JIT) (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--catch-up-seconds", defaultValue = "600",
            description = "After the pipeline's warm-up, wait at most this long for the plant-state application to "
                    + "catch up with the backlog built while the JIT compiled its code; targets count as met only when it did "
                    + "(default: ${DEFAULT-VALUE}).")
    private int catchUpSeconds;

    @Option(names = "--duration-seconds", defaultValue = "30",
            description = "Measured seconds of each phase (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--commit-interval-ms", defaultValue = "" + PlantStateApp.DEFAULT_COMMIT_INTERVAL_MS,
            description = "The plant-state application's commit.interval.ms (default: ${DEFAULT-VALUE}, its own).")
    private int commitIntervalMs;

    @Option(names = "--streams", paramLabel = "KEY=VALUE",
            description = "Further Kafka Streams settings of the plant-state application (repeatable).")
    private Map<String, String> streams = new LinkedHashMap<>();

    @Option(names = "--bridge-producer", paramLabel = "KEY=VALUE",
            description = "Producer settings of every bridge, e.g. linger.ms=20 (repeatable; idempotence and "
                    + "acks=all stay forced).")
    private Map<String, String> bridgeProducer = new LinkedHashMap<>();

    @Option(names = "--baseline-records", defaultValue = "200000",
            description = "Records of the raw Kafka producer baseline, of the telemetry's average batch size "
                    + "(default: ${DEFAULT-VALUE}).")
    private int baselineRecords;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> streamsOverrides = new LinkedHashMap<>(streams);
        streamsOverrides.putIfAbsent("commit.interval.ms", Integer.toString(commitIntervalMs));
        IngestBenchmark.Settings settings = new IngestBenchmark.Settings(plants, boilers, Duration.ofMillis(tickMs),
                samplingMs, publishingMs, queueSize, Duration.ofSeconds(warmupSeconds),
                Duration.ofSeconds(catchUpSeconds), Duration.ofSeconds(durationSeconds), streamsOverrides,
                bridgeProducer);
        Map<String, Object> json = Bench.withBroker(bootstrapServers, err, servers -> {
            IngestBenchmark.Result result = new IngestBenchmark(servers).run(settings, message -> {
                err.println("  " + message);
                err.flush();
            });
            int recordSize = result.pipeline().averageBatchBytes();
            err.printf("  kafka baseline: %,d records of %d B (the telemetry's average batch) ...%n", baselineRecords,
                    recordSize);
            err.flush();
            KafkaBaseline.Result baseline = new KafkaBaseline(servers)
                    .run(new KafkaBaseline.Settings(baselineRecords, recordSize, 1), (phase, done) -> { });
            return report(result, baseline);
        });
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        err.println(json.get("summary"));
        err.flush();
        return 0;
    }

    static Map<String, Object> report(IngestBenchmark.Result result, KafkaBaseline.Result baseline) {
        IngestBenchmark.Pipeline pipeline = result.pipeline();
        double readings = pipeline.readingsPerSecond();
        double opcUa = result.opcUaPerSecond();
        double produce = baseline.producer().recordsPerSecond();
        double samplesPerBatch = pipeline.samplesPerBatch();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "ingest");
        json.putAll(result.toMap());
        json.put("kafka_baseline", baseline.toMap());
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("readings_to_opc_ua_notifications", round(readings / opcUa));
        ratios.put("readings_to_kafka_produce_records", round(readings / produce));
        // the raw producer writing one record per batch carries this many readings per second
        ratios.put("readings_to_kafka_produce_records_x_samples_per_batch",
                Math.round(readings / (produce * samplesPerBatch) * 1e5) / 1e5);
        json.put("ratios", ratios);
        // A window measured while the application works off a backlog shows its catch-up rate, not a steady state.
        boolean steady = pipeline.caughtUp();
        boolean rate = steady && readings >= TARGET_READINGS_PER_SEC;
        boolean ratio = steady && readings / opcUa >= TARGET_RATIO_TO_OPC_UA;
        boolean latency = steady && pipeline.p99Ms() < TARGET_P99_MS;
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("readings_per_sec_at_least", TARGET_READINGS_PER_SEC);
        targets.put("ratio_to_opc_ua_at_least", TARGET_RATIO_TO_OPC_UA);
        targets.put("p99_source_to_state_ms_below", TARGET_P99_MS);
        targets.put("met", Map.of("readings_per_sec", rate, "ratio_to_opc_ua", ratio, "p99", latency));
        json.put("targets", targets);
        String alone = result.drain().map(drain -> String.format("; plant-state alone on its backlog %,.0f samples/s%s, "
                + "process CPU %.2f", drain.perSecond(), drain.backlogLeft() <= 0 ? " (backlog ran out: a lower bound)" : "",
                drain.processCpuShare())).orElse("");
        json.put("summary", String.format("ingest: %,.0f readings/s end to end (%d plants x %d tags; %s); source-to-state "
                        + "p50 %d ms p99 %d ms (to telemetry p99 %d ms); process CPU (share of the machine) OPC UA "
                        + "baseline %.2f, pipeline %.2f%s; raw OPC UA %,.0f notifications/s (ratio %.3f); "
                        + "raw Kafka produce %,.0f records/s of %d B (ratio %.3f; %.4f of the readings it could carry at that batch size); targets: "
                        + ">= %.0f readings/s %s, >= %.1fx OPC UA %s, p99 < %.0f ms %s",
                readings, result.settings().plants(), result.settings().tagsPerPlant(),
                pipeline.caughtUp() ? String.format("measured after plant-state caught up, %.0f s after the warm-up",
                        pipeline.catchUpSeconds()) : "plant-state never caught up with its backlog",
                pipeline.sourceToState().percentile(0.5), pipeline.p99Ms(),
                pipeline.sourceToTelemetry().percentile(0.99), result.opcUa().processCpuShare(),
                pipeline.processCpuShare(), alone, opcUa, readings / opcUa, produce,
                pipeline.averageBatchBytes(), readings / produce, readings / (produce * samplesPerBatch),
                TARGET_READINGS_PER_SEC, met(rate), TARGET_RATIO_TO_OPC_UA, met(ratio), TARGET_P99_MS, met(latency)));
        return json;
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
