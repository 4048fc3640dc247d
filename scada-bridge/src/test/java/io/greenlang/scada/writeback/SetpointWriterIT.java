package io.greenlang.scada.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.DispatchStatus;
import io.greenlang.events.plant.Setpoint;
import io.greenlang.events.scada.SetpointRefusal;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.events.scada.SetpointWriteOutcome;
import io.greenlang.scada.sim.PlantSimulator;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The setpoint writer against the plant simulator over real OPC UA (Milo client and server in this JVM) and the
 * testkit's real broker. The simulator does not tick on its own, so a node changes only when it is written; the
 * writer's clock is fixed, so "since the last write" is always zero.
 */
@GreenLangIntegrationTest
class SetpointWriterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PLANT = "plant-1";
    private static final String B1_SETPOINT = "B1.SETPOINT.LOAD_MW";
    private static final String B2_SETPOINT = "B2.SETPOINT.LOAD_MW";

    @Test
    void shouldWriteNothingAndReportWriteBackDisabledWhenTheMapLeavesItOff(TestInfra infra) throws Exception {
        TopicCatalog catalog = catalog(infra, "off-");
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            assertThat(map.writeBackEnabled()).as("the simulator's map leaves write-back off").isFalse();
            double before = sim.values(PLANT).get(B1_SETPOINT);
            try (Events events = new Events(infra, catalog);
                 SetpointWriter writer = writer(infra, catalog, map, "off").build().start()) {
                String plan = events.send(plan(false, Instant.now(), Map.of("B1", before + 1)));

                SetpointWrite event = events.awaitOne(plan, "B1");
                assertThat(event.getOutcome()).isEqualTo(SetpointWriteOutcome.REFUSED);
                assertThat(event.getReason()).isEqualTo(SetpointRefusal.WRITE_BACK_DISABLED);
                assertThat(event.getErrorCode()).isEqualTo("GL-E-YAML-POLICY");
                assertThat(event.getTag()).isEqualTo(B1_SETPOINT);
                assertThat(event.getStatusCode()).as("no write attempted").isNull();
                assertThat(writer.written()).isZero();
                assertThat(read(sim, B1_SETPOINT)).isEqualTo(before);
            }
        }
    }

    @Test
    void shouldWriteTheSetpointOverSignAndEncryptAndTheBoilerShouldFollowItWhenEnabled(TestInfra infra,
            @TempDir Path serverPki, @TempDir Path writerPki) throws Exception {
        TopicCatalog catalog = catalog(infra, "on-");
        try (PlantSimulator sim = simulator().pkiDir(serverPki).allowNone(false).build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.BASIC256SHA256,
                    TagMap.SecurityMode.SIGN_AND_ENCRYPT, 50, 100).withWriteBack(true);
            double before = sim.values(PLANT).get(B1_SETPOINT);
            double target = before + 1.0;
            try (Events events = new Events(infra, catalog);
                 SetpointWriter writer = writer(infra, catalog, map, "on").pkiDir(writerPki).build()) {
                sim.trust(writer.certificate());
                writer.trust(sim.certificate());
                writer.start();

                String plan = events.send(plan(false, Instant.now(), Map.of("B1", target)));

                SetpointWrite event = events.awaitOne(plan, "B1");
                assertThat(event.getOutcome()).isEqualTo(SetpointWriteOutcome.WRITTEN);
                assertThat(event.getRequestedValue()).isEqualTo(target);
                assertThat(event.getPreviousValue()).isEqualTo(before);
                assertThat(event.getNodeId()).isEqualTo("ns=2;s=" + PLANT + "/" + B1_SETPOINT);
                assertThat(event.getStatusCode()).isZero();
                assertThat(event.getStatusName()).isEqualTo("Good");
                assertThat(event.getMaxValue()).isEqualTo(map.setpointTag("B1").orElseThrow().limits().max());
                assertThat(event.getMeta().getProducer().getService()).isEqualTo(SetpointWriter.SERVICE);
                assertThat(events.keys()).containsOnly(PLANT);
                assertThat(sim.values(PLANT).get(B1_SETPOINT)).isEqualTo(target);

                // the boiler ramps its heat output to the written setpoint (at most half its capacity per minute)
                await().atMost(TIMEOUT.multipliedBy(2)).until(() -> {
                    sim.tick();
                    return Math.abs(sim.values(PLANT).get("B1.HEAT.OUTPUT_MW") - target) < target * 0.01;
                });

                // a second change at once is faster than the rate limit allows: refused, the node keeps the first
                String second = events.send(plan(false, Instant.now(), Map.of("B1", target + 0.5)));
                SetpointWrite tooFast = events.awaitOne(second, "B1");
                assertThat(tooFast.getOutcome()).isEqualTo(SetpointWriteOutcome.REFUSED);
                assertThat(tooFast.getReason()).isEqualTo(SetpointRefusal.RATE_EXCEEDED);
                assertThat(tooFast.getErrorCode()).isEqualTo("GL-E-PARAM-RANGE");
                assertThat(sim.values(PLANT).get(B1_SETPOINT)).isEqualTo(target);
                assertThat(writer.written()).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldRefuseOutOfRangeTooFastNotWritableUnknownAndStaleSetpointsAndWriteNothing(TestInfra infra)
            throws Exception {
        TopicCatalog catalog = catalog(infra, "refuse-");
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap simMap = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            // B1 writable at 0.5 MW per minute; B2's setpoint mapped but not writable
            TagMap map = simMap.withWriteBack(true).withTags(simMap.tags().stream().map(t -> switch (t.tag()) {
                case B1_SETPOINT -> t.writableSetpointOf("B1", new TagSpec.WriteLimits(0, t.limits().max(), 0.5));
                case B2_SETPOINT -> new TagSpec(t.nodeId(), t.assetId(), t.tag(), t.unit(), t.samplingIntervalMs(),
                        t.deadband(), "B2", false, null);
                default -> t;
            }).toList());
            Map<String, Double> before = sim.values(PLANT);
            double b1 = before.get(B1_SETPOINT);
            double max = map.setpointTag("B1").orElseThrow().limits().max();
            try (Events events = new Events(infra, catalog);
                 SetpointWriter writer = writer(infra, catalog, map, "refuse").build().start()) {
                String outOfRange = events.send(plan(false, Instant.now(),
                        Map.of("B1", max + 1, "B2", before.get(B2_SETPOINT), "B9", 3.0)));
                String tooFast = events.send(plan(false, Instant.now(), Map.of("B1", b1 + 1.0)));
                String partlyBad = events.send(plan(false, Instant.now(), Map.of("B1", b1 + 0.2, "B9", 3.0)));
                String stale = events.send(plan(false, Instant.now().minus(Duration.ofMinutes(10)),
                        Map.of("B1", b1 + 0.2)));

                assertThat(events.awaitOne(outOfRange, "B1")).satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo(SetpointRefusal.OUT_OF_RANGE);
                    assertThat(e.getErrorCode()).isEqualTo("GL-E-PARAM-RANGE");
                    assertThat(e.getPreviousValue()).isEqualTo(b1);
                    assertThat(e.getDetail()).contains("outside");
                });
                assertThat(events.awaitOne(outOfRange, "B2").getReason()).isEqualTo(SetpointRefusal.NOT_WRITABLE);
                assertThat(events.awaitOne(outOfRange, "B9")).satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo(SetpointRefusal.UNKNOWN_ASSET);
                    assertThat(e.getTag()).isNull();
                    assertThat(e.getNodeId()).isNull();
                });
                assertThat(events.awaitOne(tooFast, "B1").getReason()).isEqualTo(SetpointRefusal.RATE_EXCEEDED);
                assertThat(events.awaitOne(partlyBad, "B1").getReason()).as("a plan is written whole or not at all")
                        .isEqualTo(SetpointRefusal.PLAN_REFUSED);
                assertThat(events.awaitOne(partlyBad, "B9").getReason()).isEqualTo(SetpointRefusal.UNKNOWN_ASSET);
                assertThat(events.awaitOne(stale, "B1").getReason()).isEqualTo(SetpointRefusal.STALE_PLAN);

                assertThat(events.all()).extracting(SetpointWrite::getOutcome).containsOnly(SetpointWriteOutcome.REFUSED);
                assertThat(writer.written()).isZero();
                assertThat(writer.refused()).isEqualTo(7);
                assertThat(read(sim, B1_SETPOINT)).isEqualTo(b1);
                assertThat(read(sim, B2_SETPOINT)).isEqualTo(before.get(B2_SETPOINT));
                assertThat(sim.values(PLANT)).isEqualTo(before);
            }
        }
    }

    @Test
    void shouldIgnoreAdvisoryPlans(TestInfra infra) throws Exception {
        TopicCatalog catalog = catalog(infra, "advisory-");
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100)
                    .withWriteBack(true);
            double before = sim.values(PLANT).get(B1_SETPOINT);
            try (Events events = new Events(infra, catalog);
                 SetpointWriter writer = writer(infra, catalog, map, "advisory").build().start()) {
                String advisory = events.send(plan(true, Instant.now(), Map.of("B1", before + 1)));
                // a later non-advisory plan on the same partition: once its event is there, the advisory one was read
                String marker = events.send(plan(false, Instant.now(), Map.of("B9", 1.0)));

                events.awaitOne(marker, "B9");
                assertThat(events.all()).extracting(SetpointWrite::getPlanId).doesNotContain(advisory);
                assertThat(writer.written()).isZero();
                assertThat(read(sim, B1_SETPOINT)).isEqualTo(before);
            }
        }
    }

    @Test
    void shouldReportTheServersRefusalAsFailedWhenTheMapMarksAReadOnlyNodeWritable(TestInfra infra) throws Exception {
        TopicCatalog catalog = catalog(infra, "failed-");
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap simMap = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            TagMap map = simMap.withWriteBack(true).withTags(simMap.tags().stream().map(t -> switch (t.tag()) {
                case "B1.HEAT.OUTPUT_MW" -> t.writableSetpointOf("B1", new TagSpec.WriteLimits(0, 100, 100));
                case B1_SETPOINT -> new TagSpec(t.nodeId(), t.assetId(), t.tag(), t.unit(), t.samplingIntervalMs(),
                        t.deadband());
                default -> t;
            }).toList());
            double output = sim.values(PLANT).get("B1.HEAT.OUTPUT_MW");
            try (Events events = new Events(infra, catalog);
                 SetpointWriter writer = writer(infra, catalog, map, "failed").build().start()) {
                String plan = events.send(plan(false, Instant.now(), Map.of("B1", output + 1)));

                SetpointWrite event = events.awaitOne(plan, "B1");
                assertThat(event.getOutcome()).isEqualTo(SetpointWriteOutcome.FAILED);
                // the node's user access level is read-only
                assertThat(event.getStatusName()).isEqualTo("Bad_UserAccessDenied");
                assertThat(event.getStatusCode()).isEqualTo(0x801F0000L);
                assertThat(writer.failed()).isEqualTo(1);
                assertThat(sim.values(PLANT).get("B1.HEAT.OUTPUT_MW")).isEqualTo(output);
            }
        }
    }

    private static PlantSimulator.Builder simulator() {
        return PlantSimulator.builder().plants(1).boilers(2).seed(11).tickInterval(Duration.ZERO);
    }

    private static SetpointWriter.Builder writer(TestInfra infra, TopicCatalog catalog, TagMap map, String group) {
        return SetpointWriter.builder(map, infra.consumerProperties("writer-" + group), infra.producerProperties(),
                catalog).clock(Clock.fixed(Instant.now(), ZoneOffset.UTC)).instance("it");
    }

    private static TopicCatalog catalog(TestInfra infra, String name) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix() + name);
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60))
                .apply(List.of(catalog.dispatchPlans(), catalog.setpointWrites()));
        return catalog;
    }

    private static DispatchPlan plan(boolean advisory, Instant at, Map<String, Double> loads) {
        String planId = UUID.randomUUID().toString();
        List<Setpoint> setpoints = new ArrayList<>();
        new TreeMap<>(loads).forEach((asset, load) ->
                setpoints.add(Setpoint.newBuilder().setAssetId(asset).setOn(load > 0).setLoadMw(load).build()));
        return DispatchPlan.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(planId).setOccurredAt(at).setTenantId("it")
                        .setProducer(Producer.newBuilder().setService("streams-app").setInstance("it").build())
                        .setTraceId(null).build())
                .setPlantId(PLANT)
                .setPlanId(planId)
                .setSetpoints(setpoints)
                .setTotalCost(0)
                .setTotalEmissionsKg(0)
                .setDemandMw(loads.values().stream().mapToDouble(Double::doubleValue).sum())
                .setOptimalityGap(0)
                .setSolveMs(1)
                .setStatus(DispatchStatus.OPTIMAL)
                .setAdvisory(advisory)
                .build();
    }

    /** The node's value read over OPC UA. */
    private static double read(PlantSimulator sim, String tag) throws Exception {
        OpcUaClient client = OpcUaClient.create(sim.endpointUrl(), endpoints -> endpoints.stream()
                .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                transport -> { }, config -> { });
        client.connect();
        try {
            return ((Number) client.readValues(0.0, TimestampsToReturn.Neither,
                    List.of(NodeId.parse("ns=2;s=" + PLANT + "/" + tag))).get(0).getValue().getValue()).doubleValue();
        } finally {
            client.disconnect();
        }
    }

    /** Sends plans to gl.dispatch.plans and reads gl.scada.setpoint-writes on a background thread. */
    private static final class Events implements AutoCloseable {
        private final TopicCatalog catalog;
        private final KafkaProducer<String, DispatchPlan> producer;
        private final Map<String, SetpointWrite> byPlanAndAsset = new LinkedHashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Events(TestInfra infra, TopicCatalog catalog) {
            this.catalog = catalog;
            this.producer = new KafkaProducer<>(infra.producerProperties(),
                    catalog.dispatchPlans().keySerde().serializer(), catalog.dispatchPlans().valueSerde().serializer());
            KafkaConsumer<String, SetpointWrite> consumer = new KafkaConsumer<>(
                    infra.consumerProperties("events-" + catalog.prefix()),
                    catalog.setpointWrites().keySerde().deserializer(),
                    catalog.setpointWrites().valueSerde().deserializer());
            consumer.subscribe(List.of(catalog.setpointWrites().name()));
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<String, SetpointWrite> r : consumer.poll(Duration.ofMillis(100))) {
                            synchronized (this) {
                                keys.add(r.key());
                                byPlanAndAsset.put(r.value().getPlanId() + "/" + r.value().getAssetId(), r.value());
                            }
                        }
                    }
                }
            }, "setpoint-write-events");
            thread.start();
        }

        String send(DispatchPlan plan) throws Exception {
            producer.send(new ProducerRecord<>(catalog.dispatchPlans().name(), plan.getPlantId(), plan)).get();
            return plan.getPlanId();
        }

        SetpointWrite awaitOne(String planId, String asset) {
            String key = planId + "/" + asset;
            await().atMost(TIMEOUT).until(() -> get(key) != null);
            return get(key);
        }

        private synchronized SetpointWrite get(String key) {
            return byPlanAndAsset.get(key);
        }

        synchronized List<SetpointWrite> all() {
            return List.copyOf(byPlanAndAsset.values());
        }

        synchronized List<String> keys() {
            return List.copyOf(keys);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
            producer.close();
        }
    }
}
