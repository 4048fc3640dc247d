/**
 * A heartbeat simulator for the sub-agents GL-002..GL-100 ({@link io.greenlang.streams.agents.sim.HeartbeatSimulator}),
 * with failure injection, for {@code gl local up}, {@code gl demo} and tests. Production code of the health
 * topology never depends on it.
 */
package io.greenlang.streams.agents.sim;
