package io.greenlang.streams.agents.sim;

import io.greenlang.events.agent.AgentGroup;

/**
 * One simulated sub-agent.
 *
 * @param agentId id, GL-002..GL-100
 * @param plantId plant it serves
 * @param group   functional group
 */
public record SimulatedAgent(String agentId, String plantId, AgentGroup group) {
}
