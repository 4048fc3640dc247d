package io.greenlang.bench.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

import io.greenlang.bench.measure.TailTimeline;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.scada.bridge.ScadaBridge;
import io.greenlang.scada.sim.PlantSimulator;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.streams.plant.PlantMetrics;
import io.greenlang.streams.plant.PlantSettings;
import io.greenlang.streams.plant.PlantStateApp;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * {@code gl bench ingest}: the plant simulator (Milo OPC UA server, N plants x M boilers, one tick every
 * {@code tickInterval}) to one {@link ScadaBridge} per plant (Milo client, SecurityPolicy None, to
 * gl.scada.telemetry) to the plant-state topology ({@link PlantStateApp}, exactly-once, to gl.plant.state), all in
 * this JVM on one broker, measured from outside by a {@link StateObserver}. Before it, on the same simulator, the
 * raw OPC UA baseline ({@link OpcUaBaseline}); after it, if the application had not caught up before the window,
 * the plant-state application alone on the backlog left ({@link Drain}); the caller adds the raw Kafka producer
 * baseline.
 */
public final class IngestBenchmark {

    private static final String TENANT = "bench";
    /** Longest measurement of the plant-state application alone on its backlog. */
    private static final Duration MAX_DRAIN = Duration.ofSeconds(15);
    /** Checks in a row, a second apart, that the application's backlog must pass to count as caught up. */
    private static final int STEADY_SECONDS = 5;

    /**
     * What to run.
     *
     * @param plants               plants served by the simulator (one bridge, one Kafka key each)
     * @param boilers              boilers per plant ({@code 9 x boilers + 1} tags per plant)
     * @param tickInterval         how often the simulator moves every value
     * @param samplingIntervalMs   OPC UA sampling interval of every tag
     * @param publishingIntervalMs OPC UA publishing interval, i.e. how often a plant's batch is sent
     * @param queueSize            monitored item queue size (values kept per tag between publishes)
     * @param warmup               how long each phase runs before it is measured
     * @param catchUpLimit         after the pipeline's warm-up, how long to wait at most for the plant-state
     *                             application to catch up with the backlog the warm-up left (the JIT compiles
     *                             its hot code while the bridges keep writing), so that the window measures the
     *                             steady state
     * @param duration             the measured window of each phase
     * @param streamsOverrides     Kafka Streams settings over {@link PlantStateApp#defaultStreamsOverrides(Path)}
     *                             (e.g. {@code commit.interval.ms})
     * @param bridgeProducer       producer settings given to every bridge (e.g. {@code linger.ms}); the bridge
     *                             forces idempotence and acks=all
     */
    public record Settings(int plants, int boilers, Duration tickInterval, double samplingIntervalMs,
                           double publishingIntervalMs, int queueSize, Duration warmup, Duration catchUpLimit,
                           Duration duration, Map<String, String> streamsOverrides,
                           Map<String, String> bridgeProducer) {

        /** Validates. */
        public Settings {
            if (plants < 1 || boilers < 1 || samplingIntervalMs < 0 || publishingIntervalMs <= 0 || queueSize < 1) {
                throw new IllegalArgumentException("plants >= 1, boilers >= 1, sampling >= 0 ms, publishing > 0 ms, "
                        + "queue size >= 1");
            }
            if (tickInterval.isNegative() || tickInterval.isZero() || duration.isNegative() || duration.isZero()
                    || warmup.isNegative() || catchUpLimit.isNegative()) {
                throw new IllegalArgumentException(
                        "tick interval and duration must be positive, warm-up and catch-up limit >= 0");
            }
            streamsOverrides = Map.copyOf(streamsOverrides);
            bridgeProducer = Map.copyOf(bridgeProducer);
        }

        /** Tags per plant, as the simulator serves them. */
        public int tagsPerPlant() {
            return 9 * boilers + 1;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("plants", plants);
            m.put("boilers_per_plant", boilers);
            m.put("tags", plants * tagsPerPlant());
            m.put("tick_interval_ms", tickInterval.toMillis());
            m.put("sampling_interval_ms", samplingIntervalMs);
            m.put("publishing_interval_ms", publishingIntervalMs);
            m.put("queue_size", queueSize);
            m.put("warmup_seconds", warmup.toSeconds());
            m.put("catch_up_limit_seconds", catchUpLimit.toSeconds());
            m.put("duration_seconds", duration.toSeconds());
            m.put("streams_overrides", streamsOverrides);
            m.put("bridge_producer", bridgeProducer);
            return m;
        }
    }

    /**
     * The pipeline's figures over the measured window.
     *
     * @param seconds              length of the window
     * @param readings             readings whose first reflecting PlantState was seen in the window
     * @param bridgeSamples        samples the bridges handed to their producers in the window
     * @param streamsSamples       samples the plant topology applied in the window
     * @param states               PlantStates seen in the window
     * @param batches              telemetry batches seen in the window
     * @param batchSamples         the samples they carried
     * @param batchBytes           their serialized size
     * @param sourceToState        source timestamp to the reflecting state seen (read_committed)
     * @param sourceToStateTail    where in the window the slow source-to-state latencies fell
     * @param sourceToTelemetry    source timestamp to the batch seen on gl.scada.telemetry
     * @param produceErrors        records the bridges failed to write
     * @param unresolved           readings seen on the telemetry topic but never reflected by a state seen
     * @param processCpuShare      share of the machine this process used in the window ({@link CpuShare})
     * @param catchUpSeconds       how long after the warm-up the application took to catch up with its backlog
     * @param caughtUp             whether it did within the limit (if not, the window measures a backlog)
     */
    public record Pipeline(double seconds, long readings, long bridgeSamples, long streamsSamples, long states,
                           long batches, long batchSamples, long batchBytes, LatencyHistogram sourceToState,
                           TailTimeline sourceToStateTail, LatencyHistogram sourceToTelemetry, long produceErrors,
                           long unresolved, double processCpuShare, double catchUpSeconds, boolean caughtUp) {

        /** Readings per second, end to end. */
        public double readingsPerSecond() {
            return readings / seconds;
        }

        /** p99 source-to-state latency, ms. */
        public long p99Ms() {
            return sourceToState.percentile(0.99);
        }

        /** Average samples per telemetry batch. */
        public double samplesPerBatch() {
            return batches == 0 ? 0 : (double) batchSamples / batches;
        }

        /** Average serialized size of a telemetry batch, bytes (200 when none was seen). */
        public int averageBatchBytes() {
            return batches == 0 ? 200 : (int) Math.max(1, batchBytes / batches);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("readings_per_sec", Math.round(readingsPerSecond()));
            m.put("bridge_samples_per_sec", Math.round(bridgeSamples / seconds));
            m.put("streams_samples_applied_per_sec", Math.round(streamsSamples / seconds));
            m.put("plant_states_per_sec", Math.round(states / seconds));
            m.put("telemetry_batches_per_sec", Math.round(batches / seconds));
            m.put("samples_per_batch", Math.round(10 * samplesPerBatch()) / 10.0);
            m.put("bytes_per_batch", averageBatchBytes());
            m.put("source_to_state", sourceToState.toMap());
            m.put("seconds_with_source_to_state_over_100_ms", sourceToStateTail.secondsOverThreshold() + " of "
                    + sourceToStateTail.secondsRecorded());
            m.put("slowest_seconds", sourceToStateTail.worst(10));
            m.put("source_to_telemetry", sourceToTelemetry.toMap());
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            m.put("produce_errors", produceErrors);
            m.put("unresolved_at_stop", unresolved);
            m.put("process_cpu_share", processCpuShare);
            m.put("caught_up_before_window", caughtUp);
            m.put("catch_up_seconds", Math.round(catchUpSeconds * 10) / 10.0);
            return m;
        }
    }

    /**
     * The plant-state application alone on the backlog the pipeline phase left: the bridges closed and the observer
     * stopped, so it shares the cores with the broker only. What it applies per second then is its capacity on this
     * machine, apart from the CPU the OPC UA side and the bridges take while they run.
     *
     * @param seconds      how long it was measured
     * @param samples      samples the topology applied in that time
     * @param backlogLeft  samples the bridges wrote that it had not applied at the end (0: the backlog ran out, so
     *                     {@link #perSecond()} is a lower bound)
     * @param processCpuShare share of the machine this process used meanwhile ({@link CpuShare})
     */
    public record Drain(double seconds, long samples, long backlogLeft, double processCpuShare) {

        /** Samples applied per second. */
        public double perSecond() {
            return samples / seconds;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samples_applied_per_sec", Math.round(perSecond()));
            m.put("seconds", Math.round(seconds * 10) / 10.0);
            m.put("backlog_left_samples", backlogLeft);
            m.put("lower_bound", backlogLeft <= 0);
            m.put("process_cpu_share", processCpuShare);
            return m;
        }
    }

    /**
     * Everything measured.
     *
     * @param drain the application alone on its backlog; empty when it had caught up before the window (no backlog
     *              left to measure it on)
     */
    public record Result(Settings settings, OpcUaBaseline.Result opcUa, Pipeline pipeline, Optional<Drain> drain) {
        /** The raw OPC UA rate, notifications per second. */
        public double opcUaPerSecond() {
            return opcUa.perSecond();
        }

        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("settings", settings.toMap());
            m.put("pipeline", pipeline.toMap());
            m.put("plant_state_alone", drain.map(Drain::toMap).orElse(Map.of("skipped",
                    "the application had caught up before the window: no backlog to measure it on")));
            m.put("opc_ua_baseline", opcUa.toMap());
            return m;
        }
    }

    /** Receives progress messages. */
    @FunctionalInterface
    public interface Progress {
        /** One line of progress. */
        void report(String message);
    }

    private final String bootstrapServers;

    /** Measures against the broker at {@code bootstrapServers}. */
    public IngestBenchmark(String bootstrapServers) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** Runs the raw OPC UA baseline, then the pipeline, on one simulator. */
    public Result run(Settings settings, Progress progress) throws Exception {
        try (PlantSimulator sim = PlantSimulator.builder().plants(settings.plants()).boilers(settings.boilers())
                .seed(1).tickInterval(settings.tickInterval()).build().start()) {
            List<TagMap> maps = new ArrayList<>();
            for (String plantId : sim.plantIds()) {
                maps.add(sim.tagMap(plantId, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE,
                                settings.samplingIntervalMs(), settings.publishingIntervalMs())
                        .withSubscription(settings.publishingIntervalMs(), settings.queueSize()));
            }
            progress.report(String.format("raw OPC UA subscription: %d plants x %d tags, %s warm-up, %s measured ...",
                    settings.plants(), settings.tagsPerPlant(), settings.warmup(), settings.duration()));
            OpcUaBaseline.Result opcUa = new OpcUaBaseline().measure(maps, settings.warmup(), settings.duration());
            progress.report(String.format("  %,.0f notifications/s (publishing %.0f ms, sampling %.0f ms revised)",
                    opcUa.perSecond(), opcUa.revisedPublishingMs(), opcUa.revisedSamplingMs()));
            return pipeline(settings, opcUa, maps, progress);
        }
    }

    private Result pipeline(Settings settings, OpcUaBaseline.Result opcUa, List<TagMap> maps, Progress progress)
            throws Exception {
        String prefix = "gl-bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        Path stateDir = Files.createTempDirectory("gl-bench-plant-state-");
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            progress.report("creating topics " + prefix + "* ...");
            new TopicAdmin(admin, Duration.ofSeconds(60)).apply(List.of(catalog.scadaTelemetry(),
                    catalog.scadaStatus(), catalog.plantState(), catalog.plantAlerts(), catalog.plantTelemetry1m(),
                    catalog.deadLetters()));
            try {
                return measure(settings, opcUa, maps, catalog, prefix, stateDir, progress);
            } finally {
                admin.deleteTopics(catalog.all().stream().map(t -> t.name()).toList());
                Utils.delete(stateDir.toFile());
            }
        }
    }

    private Result measure(Settings settings, OpcUaBaseline.Result opcUa, List<TagMap> maps, TopicCatalog catalog,
                           String prefix, Path stateDir, Progress progress) throws Exception {
        Map<String, Object> streams = new HashMap<>(PlantStateApp.defaultStreamsOverrides(stateDir));
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + PlantStateApp.APPLICATION_ID);
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        streams.putAll(settings.streamsOverrides());
        Map<String, Object> producer = new HashMap<>(settings.bridgeProducer());
        producer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        PlantMetrics metrics = new PlantMetrics();
        StateObserver observer = new StateObserver(bootstrapServers, catalog);
        Thread observerThread = new Thread(observer, "bench-ingest-observer");
        observerThread.setDaemon(true);
        List<ScadaBridge> bridges = new ArrayList<>();
        try (PlantStateApp app = new PlantStateApp(streams, catalog,
                PlantSettings.defaults().withScadaOutageAfter(Duration.ofMinutes(10)), metrics)) {
            observerThread.start();
            app.start();
            if (!app.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the plant-state application did not reach RUNNING within 60 s");
            }
            for (TagMap map : maps) {
                bridges.add(ScadaBridge.builder(map, producer, catalog).tenantId(TENANT).build().start());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (bridges.stream().anyMatch(b -> b.state() != ConnectionState.CONNECTED)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bridges did not connect within 60 s");
                }
                Thread.sleep(100);
            }
            progress.report(String.format("pipeline: %d bridges connected; %s warm-up, %s measured ...",
                    bridges.size(), settings.warmup(), settings.duration()));
            Thread.sleep(settings.warmup().toMillis());
            long catchUpStart = System.nanoTime();
            boolean caughtUp = awaitCaughtUp(bridges, metrics, settings.catchUpLimit(), progress);
            double catchUpSeconds = (System.nanoTime() - catchUpStart) / 1e9;

            long startMs = System.currentTimeMillis();
            long endMs = startMs + settings.duration().toMillis();
            observer.window(startMs, endMs);
            long bridgeStart = bridgeSamples(bridges);
            long streamsStart = metrics.samples();
            CpuShare cpu = CpuShare.start();
            Thread.sleep(settings.duration().toMillis());
            long bridgeEnd = bridgeSamples(bridges);
            long streamsEnd = metrics.samples();
            double pipelineCpu = cpu.share();
            // readings observed in the window but resolved after it (their telemetry read late) still count
            Thread.sleep(2_000);
            observer.stop();
            observerThread.join(30_000);
            if (observer.failure() != null) {
                throw new IllegalStateException("the observer failed", observer.failure());
            }
            long produceErrors = bridges.stream().mapToLong(ScadaBridge::produceErrors).sum();
            double seconds = (endMs - startMs) / 1000.0;
            StateObserver.Figures seen = observer.window;
            Pipeline pipeline = new Pipeline(seconds, seen.readings, bridgeEnd - bridgeStart,
                    streamsEnd - streamsStart, seen.states, seen.batches, seen.batchSamples, seen.batchBytes,
                    seen.sourceToState, seen.sourceToStateBySecond, seen.sourceToTelemetry, produceErrors,
                    observer.unresolvedAtStop, pipelineCpu, catchUpSeconds, caughtUp);

            if (caughtUp) {
                return new Result(settings, opcUa, pipeline, Optional.empty());
            }
            bridges.forEach(ScadaBridge::close);
            long written = bridgeSamples(bridges);
            Duration drainFor = settings.duration().compareTo(MAX_DRAIN) > 0 ? MAX_DRAIN : settings.duration();
            progress.report(String.format("plant-state alone on its backlog of %,d samples, %s ...",
                    written - metrics.samples(), drainFor));
            long drainStartNs = System.nanoTime();
            long drainStart = metrics.samples();
            CpuShare drainCpu = CpuShare.start();
            Thread.sleep(drainFor.toMillis());
            long drainEnd = metrics.samples();
            Drain drain = new Drain((System.nanoTime() - drainStartNs) / 1e9, drainEnd - drainStart,
                    written - drainEnd, drainCpu.share());
            return new Result(settings, opcUa, pipeline, Optional.of(drain));
        } finally {
            observer.stop();
            bridges.forEach(ScadaBridge::close);
        }
    }

    /**
     * Waits until the application's backlog (samples the bridges wrote and it has not applied) has been at most what
     * the bridges write in a second for {@link #STEADY_SECONDS} checks in a row, a second apart, or {@code limit}
     * passes; reports the backlog every 10 s. The checks in a row make sure the last of the backlog is gone before
     * the window starts: what is left then is only what is in flight.
     */
    private static boolean awaitCaughtUp(List<ScadaBridge> bridges, PlantMetrics metrics, Duration limit,
                                         Progress progress) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long previous = bridgeSamples(bridges);
        int steady = 0;
        for (int second = 1; ; second++) {
            Thread.sleep(1_000);
            long written = bridgeSamples(bridges);
            long backlog = written - metrics.samples();
            steady = backlog <= written - previous ? steady + 1 : 0;
            if (steady == STEADY_SECONDS) {
                progress.report(String.format("plant-state caught up after %d s (backlog %,d samples, within a "
                        + "second of the bridges' output for %d s)", second, Math.max(0, backlog), STEADY_SECONDS));
                return true;
            }
            if (System.nanoTime() > deadline) {
                progress.report(String.format("plant-state still %,d samples behind after %s: measuring anyway",
                        backlog, limit));
                return false;
            }
            if (second % 10 == 0) {
                progress.report(String.format("  waiting for plant-state to catch up: %,d samples behind", backlog));
            }
            previous = written;
        }
    }

    private static long bridgeSamples(List<ScadaBridge> bridges) {
        return bridges.stream().mapToLong(ScadaBridge::samplesSent).sum();
    }
}
