package io.greenlang.streams.agents.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHeartbeat;

/** Agent ids, plants and groups of {@link HeartbeatSimulator}, and its failure injection, round by round. */
class HeartbeatSimulatorTest {

    private static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");

    private final HeartbeatSimulator simulator = HeartbeatSimulator.builder()
            .plants(List.of("plant-1", "plant-2", "plant-3")).tenantId("tenant-a").build();

    @Test
    void shouldSimulateGl002ToGl100SpreadEvenlyOverPlantsAndGroups() {
        List<SimulatedAgent> agents = simulator.agents();

        assertThat(agents).extracting(SimulatedAgent::agentId).containsExactlyElementsOf(
                IntStream.rangeClosed(2, 100).mapToObj(n -> String.format("GL-%03d", n)).toList());
        assertThat(agents.stream().collect(Collectors.groupingBy(SimulatedAgent::plantId, Collectors.counting())))
                .containsOnly(Map.entry("plant-1", 33L), Map.entry("plant-2", 33L), Map.entry("plant-3", 33L));
        assertThat(agents.stream().collect(Collectors.groupingBy(SimulatedAgent::group, Collectors.counting())))
                .containsOnly(Map.entry(AgentGroup.BOILER_STEAM, 33L), Map.entry(AgentGroup.COMBUSTION_EMISSIONS, 33L),
                        Map.entry(AgentGroup.HEAT_RECOVERY, 33L));
    }

    @Test
    void shouldPlaceTheRunbooksNamedAgentsInTheirGroups() {
        Map<String, AgentGroup> groups = simulator.agents().stream()
                .collect(Collectors.toMap(SimulatedAgent::agentId, SimulatedAgent::group));

        assertThat(HeartbeatSimulator.BOILER_STEAM).allSatisfy(id -> assertThat(groups.get(id))
                .isEqualTo(AgentGroup.BOILER_STEAM));
        assertThat(HeartbeatSimulator.COMBUSTION_EMISSIONS).allSatisfy(id -> assertThat(groups.get(id))
                .isEqualTo(AgentGroup.COMBUSTION_EMISSIONS));
        assertThat(HeartbeatSimulator.HEAT_RECOVERY).allSatisfy(id -> assertThat(groups.get(id))
                .isEqualTo(AgentGroup.HEAT_RECOVERY));
    }

    @Test
    void shouldSendOneHeartbeatPerAgentWithAdvancingSequenceEachRound() {
        List<AgentHeartbeat> first = simulator.beat(T0);
        List<AgentHeartbeat> second = simulator.beat(T0.plusSeconds(2));

        assertThat(first).hasSize(99).allSatisfy(h -> {
            assertThat(h.getSequence()).isEqualTo(1);
            assertThat(h.getSentAt()).isEqualTo(T0);
            assertThat(h.getStatus()).isEqualTo("ok");
            assertThat(h.getMeta().getTenantId()).isEqualTo("tenant-a");
        });
        assertThat(second).hasSize(99).allSatisfy(h -> assertThat(h.getSequence()).isEqualTo(2));
    }

    @Test
    void shouldSilenceOnlyStoppedAgentsOfThePlantUntilResumed() {
        List<String> stopped = simulator.stop(10, "plant-1");

        assertThat(stopped).hasSize(10);
        assertThat(simulator.agents()).filteredOn(a -> stopped.contains(a.agentId()))
                .allSatisfy(a -> assertThat(a.plantId()).isEqualTo("plant-1"));
        List<AgentHeartbeat> round = simulator.beat(T0);
        assertThat(round).hasSize(89).noneMatch(h -> stopped.contains(h.getAgentId()));
        assertThat(simulator.stop(10, "plant-1")).as("the next ten").doesNotContainAnyElementsOf(stopped);

        simulator.resume();

        assertThat(simulator.beat(T0.plusSeconds(2))).hasSize(99);
        assertThat(simulator.stopped()).isEmpty();
    }

    @Test
    void shouldFreezeSequenceOfStalledAgentsWhileTheyKeepHeartbeating() {
        simulator.beat(T0);
        List<String> stalled = simulator.stall(3, "plant-2");

        Map<String, AgentHeartbeat> round = simulator.beat(T0.plusSeconds(2)).stream()
                .collect(Collectors.toMap(AgentHeartbeat::getAgentId, Function.identity()));

        assertThat(round).hasSize(99);
        assertThat(stalled).hasSize(3).allSatisfy(id -> assertThat(round.get(id).getSequence()).isEqualTo(1));
        assertThat(round.values()).filteredOn(h -> !stalled.contains(h.getAgentId()))
                .allSatisfy(h -> assertThat(h.getSequence()).isEqualTo(2));
        simulator.resume();
        Map<String, AgentHeartbeat> resumed = simulator.beat(T0.plusSeconds(4)).stream()
                .collect(Collectors.toMap(AgentHeartbeat::getAgentId, Function.identity()));
        assertThat(stalled).allSatisfy(id -> assertThat(resumed.get(id).getSequence()).isEqualTo(2));
    }

    @Test
    void shouldRejectFailureInjectionForUnknownPlant() {
        assertThatThrownBy(() -> simulator.stop(1, "plant-9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no simulated agents serve plant plant-9");
    }
}
