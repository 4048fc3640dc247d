package io.greenlang.streams.agents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentAlertLevel;
import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;

/**
 * Reads the health changes re-keyed by plant, keeps which of the plant's agents are DOWN ({@link PlantAgents}),
 * and forwards an {@link AgentAlert} (keyed by plant id) whenever the cascade level of a scope changes: the whole
 * plant, and each group of the plant, counted separately. WARNING at {@code cascadeWarning} agents down,
 * CRITICAL at {@code cascadeCritical}, back to WARNING when it drops below critical, CLEARED below warning.
 */
final class CascadeProcessor implements Processor<String, AgentHealth, String, AgentAlert> {

    private final AgentHealthSettings settings;
    private final String instance;
    private ProcessorContext<String, AgentAlert> context;
    private KeyValueStore<String, PlantAgents> store;

    CascadeProcessor(AgentHealthSettings settings, String instance) {
        this.settings = settings;
        this.instance = instance;
    }

    @Override
    public void init(ProcessorContext<String, AgentAlert> context) {
        this.context = context;
        this.store = context.getStateStore(AgentHealthTopology.CASCADE_STORE);
    }

    @Override
    public void process(Record<String, AgentHealth> record) {
        AgentHealth health = Objects.requireNonNull(record.value(), "an agent health must not be a tombstone");
        String plantId = record.key();
        PlantAgents plant = store.get(plantId);
        if (plant == null) {
            plant = new PlantAgents();
        }
        plant.tenantId = health.getMeta().getTenantId();
        plant.agents.put(health.getAgentId(),
                new PlantAgents.Entry(health.getGroup().name(), health.getStatus() == AgentStatus.DOWN));
        List<AgentAlert> alerts = new ArrayList<>();
        check(plantId, plant, PlantAgents.PLANT_SCOPE, null, alerts);
        for (AgentGroup group : AgentGroup.values()) {
            check(plantId, plant, group.name(), group, alerts);
        }
        store.put(plantId, plant);
        for (AgentAlert alert : alerts) {
            context.forward(new Record<>(plantId, alert, record.timestamp()));
        }
    }

    private void check(String plantId, PlantAgents plant, String scope, AgentGroup group, List<AgentAlert> out) {
        List<String> down = new ArrayList<>();
        for (Map.Entry<String, PlantAgents.Entry> agent : plant.agents.entrySet()) {
            if (agent.getValue().down && (group == null || group.name().equals(agent.getValue().group))) {
                down.add(agent.getKey());
            }
        }
        String level = down.size() >= settings.cascadeCritical() ? AgentAlertLevel.CRITICAL.name()
                : down.size() >= settings.cascadeWarning() ? AgentAlertLevel.WARNING.name() : null;
        String previous = plant.levels.get(scope);
        if (Objects.equals(level, previous)) {
            return;
        }
        if (level == null) {
            plant.levels.remove(scope);
        } else {
            plant.levels.put(scope, level);
        }
        AgentAlertLevel alertLevel = level == null ? AgentAlertLevel.CLEARED : AgentAlertLevel.valueOf(level);
        String where = group == null ? "plant " + plantId : "group " + group + " of plant " + plantId;
        String message = switch (alertLevel) {
            case CLEARED -> "Sub-agent cascade cleared in " + where + ": " + down.size() + " agent(s) down, below the "
                    + "warning threshold of " + settings.cascadeWarning();
            case WARNING -> "Sub-agent cascade warning in " + where + ": " + down.size() + " agents down (warning at "
                    + settings.cascadeWarning() + ", critical at " + settings.cascadeCritical() + ")";
            case CRITICAL -> "Sub-agent cascade critical in " + where + ": " + down.size() + " agents down (critical "
                    + "at " + settings.cascadeCritical() + ")";
        };
        long now = context.currentSystemTimeMs();
        out.add(AgentAlert.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.ofEpochMilli(now))
                        .setTenantId(plant.tenantId)
                        .setProducer(Producer.newBuilder().setService(AgentHealthProcessor.SERVICE)
                                .setInstance(instance).build())
                        .build())
                .setPlantId(plantId)
                .setLevel(alertLevel)
                .setAgentsDown(down.size())
                .setAgentIds(down)
                .setGroup(group)
                .setMessage(message)
                .build());
    }
}
