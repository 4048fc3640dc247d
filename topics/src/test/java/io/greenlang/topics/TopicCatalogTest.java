package io.greenlang.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.StepEvent;
import io.greenlang.schemas.EventSamples;

class TopicCatalogTest {

    private final TopicCatalog catalog = TopicCatalog.standard();

    @Test
    void shouldDeclareEveryTopicOfTheArchitectureWithItsPartitionsAndCleanup() {
        // name -> partitions, cleanup, retention (ARCHITECTURE §3)
        Map<String, String> expected = Map.ofEntries(
                Map.entry("gl.run.requests", "12 delete 30 d"),
                Map.entry("gl.run.commands", "12 delete 30 d"),
                Map.entry("gl.step.events", "12 delete forever"),
                Map.entry("gl.step.commands", "12 delete 7 d"),
                Map.entry("gl.run.events", "12 delete forever"),
                Map.entry("gl.run.state", "12 compact -"),
                Map.entry("gl.policy.decisions", "12 delete forever"),
                Map.entry("gl.scada.telemetry", "12 delete 7 d"),
                Map.entry("gl.scada.status", "6 compact -"),
                Map.entry("gl.plant.state", "6 compact -"),
                Map.entry("gl.plant.telemetry-1m", "6 delete 90 d"),
                Map.entry("gl.plant.alerts", "6 delete forever"),
                Map.entry("gl.agent.heartbeats", "12 delete 1 d"),
                Map.entry("gl.agent.health", "12 compact -"),
                Map.entry("gl.agent.alerts", "6 delete forever"),
                Map.entry("gl.dispatch.plans", "6 delete forever"),
                Map.entry("gl.scada.setpoint-writes", "6 delete forever"),
                Map.entry("gl.admin.actions", "3 delete forever"),
                Map.entry("gl.dlq", "6 delete 30 d"));
        assertThat(catalog.all()).extracting(Topic::name).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Topic<?, ?> t : catalog.all()) {
            String actual = t.partitions() + " " + t.cleanupPolicy().configValue() + " "
                    + (t.retention() == null ? "-" : t.retention());
            assertThat(actual).as(t.name()).isEqualTo(expected.get(t.name()));
        }
    }

    @Test
    void shouldCoPartitionTheTopicsThatOneRunOrchestratorTaskReads() {
        List<Topic<String, ?>> runInputs = List.of(catalog.runRequests(), catalog.runCommands(), catalog.stepEvents());
        assertThat(runInputs).extracting(Topic::partitions).containsOnly(TopicCatalog.RUN_PARTITIONS);
        assertThat(runInputs).extracting(Topic::keyDescription).containsOnly("run_id");
    }

    @Test
    void shouldRoundTripASampleEventThroughTheTopicsSerdes() {
        RunRequested sample = EventSamples.sample(RunRequested.class);
        Topic<String, RunRequested> topic = catalog.runRequests();
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), sample);
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), bytes)).isEqualTo(sample);
    }

    @Test
    void shouldPrefixEveryNameButKeepEverythingElse() {
        TopicCatalog prefixed = TopicCatalog.withPrefix("t1-");
        assertThat(prefixed.all()).extracting(Topic::name).allMatch(n -> n.startsWith("t1-gl."));
        assertThat(prefixed.stepEvents().name()).isEqualTo("t1-gl.step.events");
        assertThat(prefixed.stepEvents().partitions()).isEqualTo(catalog.stepEvents().partitions());
        assertThat(prefixed.stepEvents().managedConfigs()).isEqualTo(catalog.stepEvents().managedConfigs());
        assertThat(TopicCatalog.withPrefix("")).isSameAs(catalog);
    }

    @Test
    void shouldFindTopicsByNameAndByValueType() {
        assertThat(catalog.byName("gl.step.events")).containsSame(catalog.stepEvents());
        assertThat(catalog.byName("gl.nope")).isEmpty();
        assertThat(catalog.byValueType(StepEvent.class)).containsSame(catalog.stepEvents());
    }

    @Test
    void shouldManageRetentionOnlyForDeleteTopics() {
        assertThat(catalog.runState().managedConfigs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(catalog.stepEvents().managedConfigs())
                .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1");
        assertThat(catalog.stepCommands().managedConfigs()).containsEntry("retention.ms", "604800000");
    }

    @Test
    void shouldRejectInconsistentTopicDeclarations() {
        assertThatThrownBy(() -> Topic.builder("bad name", Serdes.String(), Serdes.String(), String.class)
                .delete(Retention.forever()).key("k").description("d").build())
                .hasMessageContaining("not a legal Kafka topic name");
        assertThatThrownBy(() -> Topic.builder("x", Serdes.String(), Serdes.String(), String.class)
                .partitions(0).delete(Retention.forever()).key("k").description("d").build())
                .hasMessageContaining("partitions must be at least 1");
        assertThatThrownBy(() -> Topic.builder("x", Serdes.String(), Serdes.String(), String.class)
                .key("k").description("d").build())
                .hasMessageContaining("needs a retention");
    }

    @Test
    void shouldRenderEveryTopicInTheMarkdownReference() {
        String md = catalog.toMarkdown();
        catalog.all().forEach(t -> assertThat(md).contains("`" + t.name() + "`"));
    }
}
