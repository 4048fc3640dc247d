package io.greenlang.streams.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentAlertLevel;
import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.streams.errors.DeadLetters;

/** Every health transition and cascade threshold of {@link AgentHealthTopology}, driven by wall-clock time. */
class AgentHealthTopologyTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final AgentHealthDriver driver = new AgentHealthDriver();
    /** Agent id to {plant, group} of the agents the test heartbeats on every tick. */
    private final Map<String, Object[]> fleet = new LinkedHashMap<>();

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldPublishHealthyWhenAgentSendsItsFirstHeartbeat() {
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM);

        List<AgentHealth> health = driver.health();
        assertThat(health).hasSize(1);
        assertThat(health.get(0).getAgentId()).isEqualTo("GL-002");
        assertThat(health.get(0).getPlantId()).isEqualTo("plant-1");
        assertThat(health.get(0).getGroup()).isEqualTo(AgentGroup.BOILER_STEAM);
        assertThat(health.get(0).getStatus()).isEqualTo(AgentStatus.HEALTHY);
        assertThat(health.get(0).getMeta().getTenantId()).isEqualTo(AgentHealthDriver.TENANT);
    }

    @Test
    void shouldGoDegradedThenDownWhenHeartbeatsStopAsWallClockAdvances() {
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM);
        driver.health();

        driver.advance(SECOND);
        assertThat(driver.health()).as("one interval late is on time").isEmpty();
        driver.advance(SECOND);
        assertThat(driver.health()).extracting(AgentHealth::getStatus, AgentHealth::getMissedHeartbeats)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AgentStatus.DEGRADED, 2));
        driver.advance(SECOND);
        List<AgentHealth> down = driver.health();
        assertThat(down).extracting(AgentHealth::getStatus, AgentHealth::getMissedHeartbeats)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AgentStatus.DOWN, 3));
        assertThat(down.get(0).getLastHeartbeatAt()).isEqualTo(AgentHealthDriver.START);
        driver.advance(Duration.ofSeconds(10));
        assertThat(driver.health()).as("only changes are published").isEmpty();
    }

    @Test
    void shouldRecoverToHealthyWhenDownAgentHeartbeatsAgain() {
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM);
        driver.advance(Duration.ofSeconds(3));
        assertThat(driver.health()).extracting(AgentHealth::getStatus).endsWith(AgentStatus.DOWN);

        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM);

        assertThat(driver.health()).extracting(AgentHealth::getStatus, AgentHealth::getMissedHeartbeats)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AgentStatus.HEALTHY, 0));
    }

    @Test
    void shouldNotMarkAgentsDownWhileWorkingThroughABacklogAndDoSoOnceCurrent() {
        assertNoSilenceJudgedWhileBehindThenDownOnceCurrent(Duration.ofSeconds(30));
    }

    @Test
    void shouldNotMarkAgentsDegradedWhileLessBehindThanTheDownThreshold() {
        // 2.5 s behind: more than the 2 missed intervals of DEGRADED, less than the 3 of DOWN
        assertNoSilenceJudgedWhileBehindThenDownOnceCurrent(Duration.ofMillis(2_500));
    }

    /**
     * GL-002 and GL-003 heartbeat {@code behind} the wall clock, then only GL-003 for 4 s, still that far behind:
     * GL-002's later heartbeats may be queued, so nothing is published; once GL-003's heartbeats are current,
     * GL-002 is DOWN.
     */
    private void assertNoSilenceJudgedWhileBehindThenDownOnceCurrent(Duration behind) {
        Instant backlog = AgentHealthDriver.START.minus(behind);
        driver.heartbeatSentAt("GL-002", "plant-1", AgentGroup.BOILER_STEAM, backlog);
        driver.heartbeatSentAt("GL-003", "plant-1", AgentGroup.BOILER_STEAM, backlog);
        driver.health();

        for (int i = 1; i <= 4; i++) {
            driver.advance(SECOND);
            driver.heartbeatSentAt("GL-003", "plant-1", AgentGroup.BOILER_STEAM, backlog.plusSeconds(i));
        }
        assertThat(driver.health()).as("GL-002's later heartbeats may still be queued").isEmpty();

        driver.heartbeat("GL-003", "plant-1", AgentGroup.BOILER_STEAM);
        driver.advance(SECOND);

        assertThat(driver.health()).extracting(AgentHealth::getAgentId, AgentHealth::getStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GL-002", AgentStatus.DOWN));
    }

    @Test
    void shouldMarkStalledWhenHeartbeatsArriveWithoutAdvancingSequenceAndRecoverWhenItAdvances() {
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 7, "ok");
        driver.health();

        for (int i = 0; i < 2; i++) {
            driver.advance(SECOND);
            driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 7, "ok");
        }
        assertThat(driver.health()).as("two heartbeats without progress are tolerated").isEmpty();
        driver.advance(SECOND);
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 7, "ok");
        assertThat(driver.health()).extracting(AgentHealth::getStatus).containsExactly(AgentStatus.STALLED);
        driver.advance(SECOND);
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 6, "ok");
        assertThat(driver.health()).as("a lower sequence is no progress either").isEmpty();

        driver.advance(SECOND);
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 8, "ok");

        assertThat(driver.health()).extracting(AgentHealth::getStatus).containsExactly(AgentStatus.HEALTHY);
    }

    @Test
    void shouldMarkDegradedWhenAgentReportsProblemAndHealthyWhenItReportsOk() {
        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 1, "calibrating");
        assertThat(driver.health()).extracting(AgentHealth::getStatus).containsExactly(AgentStatus.DEGRADED);

        driver.heartbeat("GL-002", "plant-1", AgentGroup.BOILER_STEAM, 2, "ok");

        assertThat(driver.health()).extracting(AgentHealth::getStatus).containsExactly(AgentStatus.HEALTHY);
    }

    @Test
    void shouldRaiseNoCascadeAlertWhenFourAgentsOfPlantAreDown() {
        List<String> plant1 = plant("plant-1", 12);

        silence(plant1.subList(0, 4));

        assertThat(driver.health()).filteredOn(h -> h.getStatus() == AgentStatus.DOWN).hasSize(4);
        assertThat(driver.alerts()).isEmpty();
    }

    @Test
    void shouldRaiseWarningWhenFiveAgentsOfPlantAreDown() {
        List<String> plant1 = plant("plant-1", 12);

        silence(plant1.subList(0, 5));

        List<AgentAlert> alerts = driver.alerts();
        assertThat(alerts).hasSize(1);
        AgentAlert alert = alerts.get(0);
        assertThat(alert.getPlantId()).isEqualTo("plant-1");
        assertThat(alert.getLevel()).isEqualTo(AgentAlertLevel.WARNING);
        assertThat(alert.getGroup()).as("plant-wide").isNull();
        assertThat(alert.getAgentsDown()).isEqualTo(5);
        assertThat(alert.getAgentIds()).containsExactlyInAnyOrderElementsOf(plant1.subList(0, 5));
        assertThat(alert.getMeta().getTenantId()).isEqualTo(AgentHealthDriver.TENANT);
    }

    @Test
    void shouldRaiseCriticalWhenTenAgentsOfPlantAreDown() {
        List<String> plant1 = plant("plant-1", 12);

        silence(plant1.subList(0, 10));

        List<AgentAlert> alerts = driver.alerts();
        assertThat(alerts).extracting(AgentAlert::getLevel)
                .containsExactly(AgentAlertLevel.WARNING, AgentAlertLevel.CRITICAL);
        assertThat(alerts.get(1).getAgentsDown()).isEqualTo(10);
        assertThat(alerts.get(1).getAgentIds()).containsExactlyInAnyOrderElementsOf(plant1.subList(0, 10));
        assertThat(alerts).allSatisfy(a -> assertThat(a.getGroup()).isNull());
    }

    @Test
    void shouldClearCascadeWhenDownAgentsRecover() {
        List<String> plant1 = plant("plant-1", 12);
        silence(plant1.subList(0, 10));
        driver.alerts();

        tick(Set.of());

        List<AgentAlert> alerts = driver.alerts();
        assertThat(alerts).extracting(AgentAlert::getLevel)
                .containsExactly(AgentAlertLevel.WARNING, AgentAlertLevel.CLEARED);
        assertThat(alerts.get(1).getAgentsDown()).isEqualTo(4);
        assertThat(alerts.get(1).getPlantId()).isEqualTo("plant-1");
        tick(Set.of());
        assertThat(driver.alerts()).isEmpty();
    }

    @Test
    void shouldCountEachPlantSeparatelyWhenAgentsOfTwoPlantsAreDown() {
        List<String> plant1 = plant("plant-1", 12);
        List<String> plant2 = plant("plant-2", 12);
        List<String> silent = new ArrayList<>(plant1.subList(0, 4));
        silent.addAll(plant2.subList(0, 5));

        silence(silent);

        assertThat(driver.alerts()).extracting(AgentAlert::getPlantId, AgentAlert::getLevel, AgentAlert::getAgentsDown)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("plant-2", AgentAlertLevel.WARNING, 5));
    }

    @Test
    void shouldRaiseGroupCascadeWhenFiveAgentsOfOneGroupAreDown() {
        for (int i = 0; i < 6; i++) {
            fleet.put("GL-0" + (50 + i), new Object[] {"plant-3", AgentGroup.COMBUSTION_EMISSIONS});
        }
        tick(Set.of());

        silence(List.of("GL-050", "GL-051", "GL-052", "GL-053", "GL-054"));

        assertThat(driver.alerts()).extracting(AgentAlert::getGroup, AgentAlert::getLevel)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(null, AgentAlertLevel.WARNING),
                        org.assertj.core.groups.Tuple.tuple(AgentGroup.COMBUSTION_EMISSIONS, AgentAlertLevel.WARNING));
    }

    @Test
    void shouldSendHeartbeatUnderAnotherAgentsKeyToDeadLettersAndGoOn() {
        driver.heartbeatUnderKey("GL-003", "GL-002", "plant-1");
        driver.heartbeat("GL-004", "plant-1", AgentGroup.HEAT_RECOVERY);

        assertThat(driver.deadLetters()).singleElement()
                .satisfies(d -> assertThat(d.getErrorCode()).isEqualTo(DeadLetters.PROCESSING_FAILED));
        assertThat(driver.health()).extracting(AgentHealth::getAgentId).containsExactly("GL-004");
    }

    /** Adds {@code n} agents of {@code plantId}, groups in turn, and sends their first heartbeat; returns their ids. */
    private List<String> plant(String plantId, int n) {
        List<String> ids = new ArrayList<>();
        int base = fleet.size() + 2;
        for (int i = 0; i < n; i++) {
            String id = String.format("GL-%03d", base + i);
            fleet.put(id, new Object[] {plantId, AgentGroup.values()[i % AgentGroup.values().length]});
            ids.add(id);
        }
        for (String id : ids) {
            Object[] where = fleet.get(id);
            driver.heartbeat(id, (String) where[0], (AgentGroup) where[1]);
        }
        driver.health();
        return ids;
    }

    /** Three intervals in which every agent but {@code silent} heartbeats: the silent ones go DOWN. */
    private void silence(List<String> silent) {
        for (int i = 0; i < AgentHealthDriver.SETTINGS.downAfterMissed(); i++) {
            tick(Set.copyOf(silent));
        }
    }

    /** One second passes, then every agent but {@code silent} heartbeats. */
    private void tick(Set<String> silent) {
        driver.advance(SECOND);
        fleet.forEach((id, where) -> {
            if (!silent.contains(id)) {
                driver.heartbeat(id, (String) where[0], (AgentGroup) where[1]);
            }
        });
    }
}
