package io.greenlang.scada.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.scada.sim.PlantSimulator;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The bridge against the plant simulator over real OPC UA (Milo client and server in this JVM) and the testkit's
 * real broker: telemetry arrives with quality and timestamps with SecurityPolicy None and with Basic256Sha256
 * SignAndEncrypt; a dropped server connection gives an outage status, a gap marker and resumed telemetry. Kafka
 * outages and the spool: {@link ScadaBridgeSpoolIT}.
 */
@GreenLangIntegrationTest
class ScadaBridgeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PLANT = "plant-1";

    @Test
    void shouldDeliverTelemetryWithQualityAndTimestampsWhenSecurityIsNone(TestInfra infra) throws Exception {
        TopicCatalog catalog = catalog(infra, "none-");
        try (PlantSimulator sim = simulator(null).build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            // the map the simulator writes is one the bridge can load, naming nodes the server has
            assertThat(TagMap.load(map.toYaml())).isEqualTo(map);
            assertThat(AddressSpaceBrowser.browse(sim.endpointUrl())).contains(
                    new AddressSpaceBrowser.BrowsedNode(PLANT, "ns=2;s=" + PLANT, "Object"),
                    new AddressSpaceBrowser.BrowsedNode(PLANT + "/B1.STEAM.FLOW_TPH",
                            map.tags().get(1).nodeId(), "Variable"));
            try (TelemetryWatcher watcher = watch(infra, catalog);
                 ScadaBridge bridge = ScadaBridge.builder(map, kafka(infra), catalog).build().start()) {
                assertTelemetryArrives(watcher, map, sim);

                sim.tripBoiler(PLANT, "B1");
                await().atMost(TIMEOUT).until(() -> watcher.batches().stream()
                        .flatMap(b -> b.getSamples().stream())
                        .anyMatch(s -> s.getTag().equals("B1.STATUS.TRIPPED") && s.getValue() == 1.0));
                assertThat(watcher.statuses()).first().extracting(ScadaConnectionStatus::getState)
                        .isEqualTo(ConnectionState.CONNECTED);
                assertThat(bridge.produceErrors()).isZero();
            }
        }
    }

    @Test
    void shouldDeliverTelemetryWhenSecurityIsBasic256Sha256SignAndEncrypt(TestInfra infra, @TempDir Path serverPki,
                                                                          @TempDir Path bridgePki) {
        TopicCatalog catalog = catalog(infra, "secure-");
        try (PlantSimulator sim = simulator(serverPki).allowNone(false).build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.BASIC256SHA256,
                    TagMap.SecurityMode.SIGN_AND_ENCRYPT, 50, 100);
            try (TelemetryWatcher watcher = watch(infra, catalog);
                 ScadaBridge bridge = ScadaBridge.builder(map, kafka(infra), catalog).pkiDir(bridgePki).build()) {
                sim.trust(bridge.certificate());
                bridge.trust(sim.certificate());
                bridge.start();
                assertTelemetryArrives(watcher, map, sim);
                assertThat(serverPki.resolve("trusted/certs")).isNotEmptyDirectory();
            }
        }
    }

    @Test
    void shouldReportDisconnectedAndRetryWhenTheServerDoesNotTrustTheBridge(TestInfra infra, @TempDir Path pki) {
        TopicCatalog catalog = catalog(infra, "untrusted-");
        try (PlantSimulator sim = simulator(pki).build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.BASIC256SHA256, TagMap.SecurityMode.SIGN, 50, 100);
            try (TelemetryWatcher watcher = watch(infra, catalog);
                 ScadaBridge bridge = ScadaBridge.builder(map, kafka(infra), catalog)
                         .reconnectBackoff(Duration.ofMillis(200), Duration.ofMillis(500)).build()) {
                bridge.trust(sim.certificate());
                bridge.start();
                await().atMost(TIMEOUT).until(() -> !watcher.statuses().isEmpty());
                assertThat(watcher.statuses().get(0).getState()).isEqualTo(ConnectionState.DISCONNECTED);
                assertThat(watcher.statuses().get(0).getDetail()).isNotBlank();

                // once the server trusts it, the retry connects
                sim.trust(bridge.certificate());
                await().atMost(TIMEOUT).until(() -> bridge.state() == ConnectionState.CONNECTED);
                await().atMost(TIMEOUT).until(() -> !watcher.batches().isEmpty());
            }
        }
    }

    @Test
    void shouldReportTheOutageMarkTheGapAndResubscribeWhenTheServerDropsTheConnection(TestInfra infra) {
        TopicCatalog catalog = catalog(infra, "drop-");
        try (PlantSimulator sim = simulator(null).build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            try (TelemetryWatcher watcher = watch(infra, catalog);
                 ScadaBridge bridge = ScadaBridge.builder(map, kafka(infra), catalog).build().start()) {
                await().atMost(TIMEOUT).until(() -> watcher.batches().size() >= 3);

                sim.dropConnection();
                await().atMost(TIMEOUT).until(() -> watcher.statuses().stream()
                        .anyMatch(s -> s.getState() == ConnectionState.RECONNECTING));
                sim.restoreConnection();

                // one partition per plant: the gap marker sits between the batches before and after the outage
                await().atMost(TIMEOUT).until(() -> {
                    List<TelemetryBatch> all = watcher.batches();
                    int gap = gapIndex(all);
                    return gap >= 0 && all.stream().skip(gap + 1).anyMatch(b -> !b.getSamples().isEmpty());
                });
                List<TelemetryBatch> all = watcher.batches();
                int gap = gapIndex(all);
                assertThat(gap).as("batches before the outage").isPositive();
                assertThat(all.get(gap).getSamples()).isEmpty();
                assertThat(all).filteredOn(TelemetryBatch::getGap).hasSize(1);
                assertThat(watcher.statuses()).extracting(ScadaConnectionStatus::getState)
                        .containsSubsequence(ConnectionState.CONNECTED, ConnectionState.RECONNECTING,
                                ConnectionState.CONNECTED);
                assertThat(bridge.reconnects()).isPositive();
            }
        }
    }

    private static void assertTelemetryArrives(TelemetryWatcher watcher, TagMap map, PlantSimulator sim) {
        // every tag's initial value is reported, then what changed; the initial values may be spread over the
        // first few publishing cycles (a loaded machine once gave a first cycle holding a single tag)
        List<String> tags = map.tags().stream().map(t -> t.tag()).toList();
        await().atMost(TIMEOUT).until(() -> watcher.batches().size() >= 5
                && reportedTags(watcher.batches()).containsAll(tags));
        List<TelemetryBatch> batches = watcher.batches();
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.getPlantId()).isEqualTo(PLANT);
            assertThat(b.getGap()).isFalse();
            assertThat(b.getHistorical()).isFalse();
        });
        assertThat(watcher.keys()).containsOnly(PLANT);
        assertThat(reportedTags(batches)).as("tags reported, in order of first report").hasSameElementsAs(tags);
        assertThat(batches.get(0).getSamples()).as("the first publishing cycle").isNotEmpty();
        Instant now = Instant.now();
        for (TelemetryBatch batch : batches) {
            for (TagSample s : batch.getSamples()) {
                assertThat(s.getQuality().getStatusCode()).isZero();
                assertThat(s.getQuality().getName()).isEqualTo("Good");
                assertThat(s.getValue()).isNotNull();
                assertThat(s.getServerTimestamp()).isNotNull();
                assertThat(s.getSourceTimestamp()).isBefore(now).isAfter(now.minus(TIMEOUT.multipliedBy(2)));
                assertThat(s.getSourceTimestamp()).isBeforeOrEqualTo(batch.getMeta().getOccurredAt());
            }
        }
        Map<String, Double> served = sim.values(PLANT);
        TagSample demand = batches.stream().flatMap(b -> b.getSamples().stream())
                .filter(s -> s.getTag().equals("PLANT.HEAT.DEMAND_MW")).findFirst().orElseThrow();
        assertThat(demand.getValue()).isBetween(served.get("PLANT.HEAT.DEMAND_MW") * 0.8,
                served.get("PLANT.HEAT.DEMAND_MW") * 1.2);
    }

    private static Set<String> reportedTags(List<TelemetryBatch> batches) {
        return batches.stream().flatMap(b -> b.getSamples().stream()).map(TagSample::getTag)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static int gapIndex(List<TelemetryBatch> batches) {
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).getGap()) {
                return i;
            }
        }
        return -1;
    }

    private static PlantSimulator.Builder simulator(Path pki) {
        PlantSimulator.Builder b = PlantSimulator.builder().plants(1).boilers(2).seed(11)
                .tickInterval(Duration.ofMillis(100));
        return pki == null ? b : b.pkiDir(pki);
    }

    private static Map<String, Object> kafka(TestInfra infra) {
        return infra.producerProperties();
    }

    private static TelemetryWatcher watch(TestInfra infra, TopicCatalog catalog) {
        return new TelemetryWatcher(infra.consumerProperties("watch-" + catalog.prefix()), catalog);
    }

    private static TopicCatalog catalog(TestInfra infra, String name) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix() + name);
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60))
                .apply(List.of(catalog.scadaTelemetry(), catalog.scadaStatus()));
        return catalog;
    }
}
