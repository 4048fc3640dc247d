package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.greenlang.common.config.GlConfig;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.schemas.EventSamples;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;

/** With the default GL_AUDIT_TOPICS, the setpoint writes of a plant form the chain gl.scada.setpoint-writes/<plant>. */
@GreenLangIntegrationTest
class AuditSetpointWritesIT {

    @Test
    void shouldChainEverySetpointWriteOfAPlantWhenTheAuditedTopicsAreTheDefault(TestInfra infra) throws Exception {
        SinkFixture fixture = new SinkFixture(infra);
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60)).apply(fixture.catalog.all());
        List<String> defaults = GlConfig.load(Map.of(), Optional.empty()).auditTopics();
        String topic = fixture.catalog.setpointWrites().name();
        List<String> eventIds = List.of(send(fixture), send(fixture));

        try (AuditSink sink = new AuditSink(fixture.catalog, defaults, fixture.store,
                infra.consumerProperties("setpoint-writes"), infra.producerProperties(), fixture.meters, "it")) {
            sink.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> fixture.chain(AuditStore.chainIdFor(topic, "plant-1")).size() == 2);
        }

        assertThat(fixture.chain(AuditStore.chainIdFor(topic, "plant-1")))
                .extracting(SinkFixture.Link::eventId).containsExactlyElementsOf(eventIds);
        assertThat(fixture.store.verifyAll()).allMatch(ChainVerification::valid);
    }

    private static String send(SinkFixture fixture) {
        SetpointWrite event = EventSamples.sample(SetpointWrite.class);
        event.getMeta().setEventId(UUID.randomUUID().toString());
        event.setPlantId("plant-1");
        fixture.send(fixture.catalog.setpointWrites(), "plant-1", event);
        return event.getMeta().getEventId();
    }
}
