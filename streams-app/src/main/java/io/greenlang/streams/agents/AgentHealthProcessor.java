package io.greenlang.streams.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;

/**
 * Keeps one {@link AgentRecord} per agent and forwards an {@link AgentHealth} (keyed by agent id) whenever the
 * agent's status changes, on a heartbeat or on the wall-clock punctuation that notices missing heartbeats. The
 * rules are in {@link #statusOf}.
 */
final class AgentHealthProcessor implements Processor<String, AgentHeartbeat, String, AgentHealth> {

    static final String SERVICE = "streams-app";

    private final AgentHealthSettings settings;
    private final String instance;
    private ProcessorContext<String, AgentHealth> context;
    private KeyValueStore<String, AgentRecord> store;
    /** Whether this task's input is current: see {@link #evaluateAll}. Not stored: a new task starts behind. */
    private boolean caughtUp;
    /** Wall-clock time of the last record this task processed, or of its start. */
    private long lastRecordMs;

    AgentHealthProcessor(AgentHealthSettings settings, String instance) {
        this.settings = settings;
        this.instance = instance;
    }

    @Override
    public void init(ProcessorContext<String, AgentHealth> context) {
        this.context = context;
        this.store = context.getStateStore(AgentHealthTopology.HEALTH_STORE);
        this.lastRecordMs = context.currentSystemTimeMs();
        this.caughtUp = false;
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::evaluateAll);
    }

    @Override
    public void process(Record<String, AgentHeartbeat> record) {
        AgentHeartbeat heartbeat = Objects.requireNonNull(record.value(), "a heartbeat must not be a tombstone");
        if (!heartbeat.getAgentId().equals(record.key())) {
            throw new IllegalArgumentException("heartbeat of agent " + heartbeat.getAgentId() + " under key "
                    + record.key());
        }
        long now = context.currentSystemTimeMs();
        lastRecordMs = now;
        caughtUp = now - record.timestamp() < degradedAfterMs();
        AgentRecord agent = store.get(record.key());
        boolean first = agent == null;
        if (first) {
            agent = new AgentRecord();
            agent.sequence = heartbeat.getSequence();
        } else if (heartbeat.getSequence() > agent.sequence) {
            agent.sequence = heartbeat.getSequence();
            agent.unchangedHeartbeats = 0;
        } else {
            agent.unchangedHeartbeats++;
        }
        agent.plantId = heartbeat.getPlantId();
        agent.group = heartbeat.getGroup().name();
        agent.tenantId = heartbeat.getMeta().getTenantId();
        agent.traceId = heartbeat.getMeta().getTraceId();
        agent.lastSeenMs = now;
        agent.lastSentAtMs = heartbeat.getSentAt().toEpochMilli();
        agent.selfStatus = heartbeat.getStatus();
        AgentHealth changed = evaluate(record.key(), agent, now, first);
        store.put(record.key(), agent);
        if (changed != null) {
            context.forward(new Record<>(record.key(), changed, now));
        }
    }

    /**
     * Re-evaluates every agent of the task, unless the task is behind its input. Silence only means DOWN when
     * this task is reading current heartbeats: while it works through a backlog (after a restart, a rebalance
     * or a stall), the heartbeats that would refresh an agent are still queued, so judging by wall-clock time
     * would report healthy agents DEGRADED or DOWN. The task counts as behind when the last record it processed
     * was {@code degradedAfterMissed} intervals old (by its timestamp, the agent's clock: clocks must agree to
     * well within that), the first silence that changes a status; and as current again on a fresher record, or
     * when no record at all came for {@code downAfterMissed} intervals (then nothing is queued, and the silence is
     * real).
     */
    private void evaluateAll(long now) {
        if (!caughtUp && now - lastRecordMs >= downAfterMs()) {
            caughtUp = true;
        }
        if (!caughtUp) {
            return;
        }
        List<KeyValue<String, AgentRecord>> changedAgents = new ArrayList<>();
        List<AgentHealth> changes = new ArrayList<>();
        try (KeyValueIterator<String, AgentRecord> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentRecord> entry = all.next();
                AgentHealth changed = evaluate(entry.key, entry.value, now, false);
                if (changed != null) {
                    changedAgents.add(entry);
                    changes.add(changed);
                }
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            store.put(changedAgents.get(i).key, changedAgents.get(i).value);
            context.forward(new Record<>(changedAgents.get(i).key, changes.get(i), now));
        }
    }

    private long degradedAfterMs() {
        return settings.degradedAfterMissed() * settings.heartbeatInterval().toMillis();
    }

    private long downAfterMs() {
        return settings.downAfterMissed() * settings.heartbeatInterval().toMillis();
    }

    /** Updates the agent's status and missed count; returns the health to publish when the status changed. */
    private AgentHealth evaluate(String agentId, AgentRecord agent, long now, boolean first) {
        int missed = (int) Math.min(Integer.MAX_VALUE,
                Math.max(0, now - agent.lastSeenMs) / settings.heartbeatInterval().toMillis());
        AgentStatus status = statusOf(agent, missed);
        agent.missed = missed;
        if (!first && status.name().equals(agent.status)) {
            return null;
        }
        agent.status = status.name();
        return AgentHealth.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.ofEpochMilli(now))
                        .setTenantId(agent.tenantId)
                        .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(instance).build())
                        .setTraceId(agent.traceId)
                        .build())
                .setAgentId(agentId)
                .setPlantId(agent.plantId)
                .setGroup(AgentGroup.valueOf(agent.group))
                .setStatus(status)
                .setLastHeartbeatAt(Instant.ofEpochMilli(agent.lastSentAtMs))
                .setMissedHeartbeats(missed)
                .build();
    }

    /**
     * DOWN when no heartbeat came for {@code downAfterMissed} intervals; else STALLED when the last
     * {@code stallAfterHeartbeats} heartbeats did not advance the sequence; else DEGRADED when heartbeats are
     * {@code degradedAfterMissed} intervals late or the agent itself reports something other than "ok"; else
     * HEALTHY.
     */
    private AgentStatus statusOf(AgentRecord agent, int missed) {
        if (missed >= settings.downAfterMissed()) {
            return AgentStatus.DOWN;
        }
        if (agent.unchangedHeartbeats >= settings.stallAfterHeartbeats()) {
            return AgentStatus.STALLED;
        }
        if (missed >= settings.degradedAfterMissed() || !"ok".equalsIgnoreCase(agent.selfStatus)) {
            return AgentStatus.DEGRADED;
        }
        return AgentStatus.HEALTHY;
    }
}
