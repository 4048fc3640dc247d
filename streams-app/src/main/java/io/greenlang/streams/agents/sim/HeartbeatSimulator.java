package io.greenlang.streams.agents.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.common.EventMeta;
import io.greenlang.streams.agents.AgentHealthSettings;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * Simulates the 99 sub-agents GL-002..GL-100 of the runbook, spread over the configured plants (round-robin by
 * id) and the runbook's three groups, each sending an {@link AgentHeartbeat} with an advancing {@code sequence}
 * to {@code gl.agent.heartbeats} (keyed by agent id) every interval. Failure injection: {@link #stop} silences
 * agents, {@link #stall} keeps them heartbeating with a frozen sequence, {@link #resume} brings all back.
 *
 * <p>Groups: the agents the runbook names ("Sub-Agent Groups by Function") are in their group; the others
 * (the runbook does not place them) are dealt to the three groups in turn, so each group has 33 agents.
 *
 * <pre>{@code
 * try (HeartbeatSimulator sim = HeartbeatSimulator.builder()
 *         .plants(List.of("plant-1", "plant-2", "plant-3"))
 *         .producerProperties(new KafkaClients(config).producerProperties("heartbeat-simulator"))
 *         .build()) {
 *     sim.start();
 *     sim.stop(10, "plant-1");   // a critical cascade on plant-1
 *     sim.resume();
 * }
 * }</pre>
 *
 * <p>Thread-safe. It must never be used by production code paths other than local and demo set-ups.
 */
public final class HeartbeatSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatSimulator.class);

    /** First simulated agent number (GL-001 is the orchestrator itself). */
    public static final int FIRST_AGENT = 2;
    /** Last simulated agent number. */
    public static final int LAST_AGENT = 100;
    /** Runbook "Boiler and Steam" agents. */
    public static final Set<String> BOILER_STEAM = Set.of("GL-002", "GL-012", "GL-016", "GL-017", "GL-022",
            "GL-042", "GL-043", "GL-044");
    /** Runbook "Combustion and Emissions" agents. */
    public static final Set<String> COMBUSTION_EMISSIONS = Set.of("GL-004", "GL-005", "GL-010", "GL-018",
            "GL-021", "GL-026", "GL-029", "GL-053");
    /** Runbook "Heat Recovery" agents. */
    public static final Set<String> HEAT_RECOVERY = Set.of("GL-006", "GL-014", "GL-020", "GL-024", "GL-030",
            "GL-033", "GL-038", "GL-039");

    private final List<SimulatedAgent> agents;
    private final Duration interval;
    private final String tenantId;
    private final String instance;
    private final Clock clock;
    private final Topic<String, AgentHeartbeat> topic;
    private final Map<String, Object> producerProperties;
    private final Map<String, Long> sequences = new HashMap<>();
    private final Set<String> stopped = new TreeSet<>();
    private final Set<String> stalled = new TreeSet<>();
    private Producer<String, AgentHeartbeat> producer;
    private ScheduledExecutorService scheduler;

    private HeartbeatSimulator(Builder b) {
        this.agents = assign(b.plants);
        this.interval = b.interval;
        this.tenantId = b.tenantId;
        this.instance = b.instance;
        this.clock = b.clock;
        this.topic = b.catalog.agentHeartbeats();
        this.producerProperties = b.producerProperties;
        agents.forEach(a -> sequences.put(a.agentId(), 0L));
    }

    /** A builder with one plant "plant-1", {@link AgentHealthSettings#DEFAULT_HEARTBEAT_INTERVAL}, tenant "default". */
    public static Builder builder() {
        return new Builder();
    }

    /** The simulated agents, GL-002..GL-100 in id order. */
    public List<SimulatedAgent> agents() {
        return agents;
    }

    /** The heartbeat interval. */
    public Duration interval() {
        return interval;
    }

    /** Starts a producer and a thread sending a heartbeat per running agent every interval. */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        producer = new KafkaProducer<>(producerProperties, topic.keySerde().serializer(),
                topic.valueSerde().serializer());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-simulator");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(this::send, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops heartbeats of the first {@code k} (by id) agents of {@code plantId} that are still heartbeating.
     *
     * @return the ids stopped (fewer than {@code k} when the plant has fewer running agents)
     */
    public synchronized List<String> stop(int k, String plantId) {
        List<String> chosen = pick(k, plantId, id -> !stopped.contains(id));
        stopped.addAll(chosen);
        stalled.removeAll(chosen);
        log.info("Heartbeat simulator: stopped {}", chosen);
        return chosen;
    }

    /**
     * Freezes the sequence of the first {@code k} (by id) agents of {@code plantId} that are heartbeating and not
     * yet stalled: they go on heartbeating without progress.
     *
     * @return the ids stalled
     */
    public synchronized List<String> stall(int k, String plantId) {
        List<String> chosen = pick(k, plantId, id -> !stopped.contains(id) && !stalled.contains(id));
        stalled.addAll(chosen);
        log.info("Heartbeat simulator: stalled {}", chosen);
        return chosen;
    }

    /** Every stopped or stalled agent heartbeats and progresses again. */
    public synchronized void resume() {
        log.info("Heartbeat simulator: resuming {} stopped and {} stalled agents", stopped.size(), stalled.size());
        stopped.clear();
        stalled.clear();
    }

    /** The currently stopped agent ids. */
    public synchronized Set<String> stopped() {
        return Collections.unmodifiableSet(new TreeSet<>(stopped));
    }

    /** The currently stalled agent ids. */
    public synchronized Set<String> stalled() {
        return Collections.unmodifiableSet(new TreeSet<>(stalled));
    }

    /** One round: the heartbeats of every running agent at {@code now}, advancing the sequence of those not stalled. */
    synchronized List<AgentHeartbeat> beat(Instant now) {
        List<AgentHeartbeat> out = new ArrayList<>();
        for (SimulatedAgent agent : agents) {
            if (stopped.contains(agent.agentId())) {
                continue;
            }
            long sequence = stalled.contains(agent.agentId()) ? sequences.get(agent.agentId())
                    : sequences.merge(agent.agentId(), 1L, Long::sum);
            out.add(AgentHeartbeat.newBuilder()
                    .setMeta(EventMeta.newBuilder()
                            .setEventId(UUID.randomUUID().toString())
                            .setOccurredAt(now)
                            .setTenantId(tenantId)
                            .setProducer(io.greenlang.events.common.Producer.newBuilder()
                                    .setService("heartbeat-simulator").setInstance(instance).build())
                            .build())
                    .setAgentId(agent.agentId())
                    .setPlantId(agent.plantId())
                    .setGroup(agent.group())
                    .setStatus("ok")
                    .setSentAt(now)
                    .setSequence(sequence)
                    .setMetrics(Map.of("sequence", (double) sequence))
                    .build());
        }
        return out;
    }

    private void send() {
        try {
            for (AgentHeartbeat heartbeat : beat(clock.instant())) {
                producer.send(new ProducerRecord<>(topic.name(), heartbeat.getAgentId(), heartbeat), (md, e) -> {
                    if (e != null) {
                        log.warn("Heartbeat simulator: heartbeat of {} not sent: {}", heartbeat.getAgentId(),
                                e.toString());
                    }
                });
            }
        } catch (RuntimeException e) {
            // A failed round must not cancel the schedule: the next interval tries again.
            log.warn("Heartbeat simulator: round failed", e);
        }
    }

    private List<String> pick(int k, String plantId, java.util.function.Predicate<String> eligible) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        if (agents.stream().noneMatch(a -> a.plantId().equals(plantId))) {
            throw new IllegalArgumentException("no simulated agents serve plant " + plantId);
        }
        return agents.stream().filter(a -> a.plantId().equals(plantId)).map(SimulatedAgent::agentId)
                .filter(eligible).limit(k).toList();
    }

    private static List<SimulatedAgent> assign(List<String> plants) {
        List<SimulatedAgent> out = new ArrayList<>();
        AgentGroup[] groups = AgentGroup.values();
        int next = 0;
        for (int n = FIRST_AGENT; n <= LAST_AGENT; n++) {
            String id = String.format("GL-%03d", n);
            AgentGroup group;
            if (BOILER_STEAM.contains(id)) {
                group = AgentGroup.BOILER_STEAM;
            } else if (COMBUSTION_EMISSIONS.contains(id)) {
                group = AgentGroup.COMBUSTION_EMISSIONS;
            } else if (HEAT_RECOVERY.contains(id)) {
                group = AgentGroup.HEAT_RECOVERY;
            } else {
                group = groups[next++ % groups.length];
            }
            out.add(new SimulatedAgent(id, plants.get((n - FIRST_AGENT) % plants.size()), group));
        }
        return List.copyOf(out);
    }

    /** Stops sending and closes the producer (flushing what was sent). */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ofSeconds(5));
            scheduler = null;
        }
    }

    /** Builds a {@link HeartbeatSimulator}. */
    public static final class Builder {
        private List<String> plants = List.of("plant-1");
        private Duration interval = AgentHealthSettings.DEFAULT_HEARTBEAT_INTERVAL;
        private Map<String, Object> producerProperties = Map.of();
        private TopicCatalog catalog = TopicCatalog.standard();
        private String tenantId = "default";
        private String instance = "local:" + ProcessHandle.current().pid();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The plants to spread the agents over (at least one, distinct). */
        public Builder plants(List<String> value) {
            if (value.isEmpty() || new TreeSet<>(value).size() != value.size()) {
                throw new IllegalArgumentException("need at least one plant and no duplicates, was " + value);
            }
            this.plants = List.copyOf(value);
            return this;
        }

        /** How often each agent heartbeats. */
        public Builder interval(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("interval must be positive, was " + value);
            }
            this.interval = value;
            return this;
        }

        /** Kafka producer properties (bootstrap servers, idempotence, ...), e.g. from {@code KafkaClients}. */
        public Builder producerProperties(Map<String, Object> value) {
            this.producerProperties = new LinkedHashMap<>(value);
            return this;
        }

        /** Where {@code gl.agent.heartbeats} is (a prefixed catalog in tests). */
        public Builder catalog(TopicCatalog value) {
            this.catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /** Tenant written into every heartbeat's envelope. */
        public Builder tenantId(String value) {
            this.tenantId = Objects.requireNonNull(value, "tenantId");
            return this;
        }

        /** Producer instance written into every heartbeat's envelope. */
        public Builder instance(String value) {
            this.instance = Objects.requireNonNull(value, "instance");
            return this;
        }

        /** The clock stamping heartbeats. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The simulator (not started). */
        public HeartbeatSimulator build() {
            return new HeartbeatSimulator(this);
        }
    }
}
