package io.greenlang.streams.agents;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the cascade processor remembers of one plant (value of {@link AgentHealthTopology#CASCADE_STORE}): each
 * agent's group and whether it is DOWN, and the alert level last raised per scope ({@link #PLANT_SCOPE} or a
 * group name).
 */
final class PlantAgents {
    /** Scope key of the plant-wide count. */
    static final String PLANT_SCOPE = "PLANT";

    /** Agent id to its entry. */
    Map<String, Entry> agents = new TreeMap<>();
    /** Scope to the level raised (WARNING or CRITICAL); absent when none. */
    Map<String, String> levels = new TreeMap<>();
    String tenantId;

    /** One agent of the plant. */
    static final class Entry {
        String group;
        boolean down;

        Entry() {
        }

        Entry(String group, boolean down) {
            this.group = group;
            this.down = down;
        }
    }
}
