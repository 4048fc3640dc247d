package io.greenlang.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepStatus;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** The views' topology and the live-run JSON, without a broker. */
class StateViewsTest {

    @Test
    void shouldMaterialiseEachStateTopicInItsNamedGlobalStoreWhenBuildingTheTopology() {
        TopologyDescription description = StateViews.topology(TopicCatalog.withPrefix("p-")).describe();

        assertThat(description.subtopologies()).isEmpty();
        Map<String, String> topicByStore = description.globalStores().stream().collect(Collectors.toMap(
                store -> store.processor().stores().iterator().next(), store -> store.source().topicSet()
                        .iterator().next()));
        assertThat(topicByStore).containsExactlyInAnyOrderEntriesOf(Map.of(
                StateViews.RUN_STORE, "p-gl.run.state",
                StateViews.PLANT_STORE, "p-gl.plant.state",
                StateViews.AGENT_STORE, "p-gl.agent.health"));
    }

    @Test
    void shouldGiveEachInstanceAnApplicationIdOfLegalCharactersWhenNamedByHost() {
        assertThat(StateViews.applicationId("gateway-7f9c:pod/1")).isEqualTo("gl-gateway-state-gateway-7f9c-pod-1");
        assertThat(StateViews.applicationId(null)).startsWith("gl-gateway-state-").hasSizeGreaterThan(30);
    }

    @Test
    void shouldCountFinishedAndRunningStepsWhenShowingALiveRun() {
        RunState run = StateTestSupport.run("r1", "acme", RunStatus.RUNNING, Instant.parse("2026-11-23T00:00:00Z"),
                StepStatus.SUCCEEDED, StepStatus.SKIPPED, StepStatus.DISPATCHED, StepStatus.RUNNING,
                StepStatus.RETRY_WAIT, StepStatus.PENDING);

        Map<String, Object> json = StateResources.runJson(run);

        assertThat(json).containsEntry("steps_total", 6).containsEntry("steps_done", 2)
                .containsEntry("steps_running", 2).containsEntry("status", "RUNNING")
                .containsEntry("tenant_id", "acme");
        assertThat(List.copyOf(json.keySet())).startsWith("run_id", "tenant_id", "pipeline_name", "status");
    }
}
