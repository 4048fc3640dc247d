/**
 * Sub-agent health and cascade detection (ARCHITECTURE §5 "Plants and agents", step 4): heartbeats of the
 * sub-agents GL-002..GL-100 in, {@code AgentHealth} per agent and cascade {@code AgentAlert}s per plant out.
 * {@link io.greenlang.streams.agents.AgentHealthTopology} builds it, {@link io.greenlang.streams.agents.AgentHealthApp}
 * runs it (exactly-once v2, dead letters to {@code gl.dlq}); {@link io.greenlang.streams.agents.sim} simulates the
 * agents.
 *
 * <p><b>Health.</b> Keyed by agent id, one task owns an agent: it keeps the agent's last heartbeat (wall-clock
 * arrival, {@code sent_at}, sequence) in a store and decides DOWN (no heartbeat for {@code downAfterMissed}
 * intervals), STALLED (heartbeats without an advancing {@code sequence}), DEGRADED (late, or the agent reports
 * something other than "ok") or HEALTHY. Missing heartbeats are noticed by a wall-clock punctuator, not by the
 * next record (which is exactly what does not come); while a task works through a backlog (after a restart or
 * a stall) it gives no DOWN verdicts, since the heartbeats that would refresh its agents are still queued
 * (agents' and the application's clocks must agree to well within {@code downAfterMissed} intervals). Every
 * status change goes to the compacted
 * {@code gl.agent.health}, keyed by agent id. The thresholds are {@link io.greenlang.streams.agents.AgentHealthSettings}.
 *
 * <p><b>Cascades, and why a repartition.</b> A cascade counts the DOWN agents of one plant (and of each group in
 * the plant), but the agents of a plant are spread over all heartbeat partitions by agent id, so no health task
 * sees them all. The health changes are therefore re-keyed by plant id and written through a Streams-managed,
 * explicitly named repartition topic ({@code <application.id>-agent-health-by-plant-repartition}, as many
 * partitions as {@code gl.agent.heartbeats}), read by a second sub-topology whose one processor owns each plant
 * and raises the alerts into {@code gl.agent.alerts} (keyed by plant id). The second sub-topology reads only that
 * topic, so it needs no co-partitioning with another input; all changes of one agent travel from one task through
 * one producer into one partition, so they arrive in order. Only changes travel (a few per incident, not a record
 * per heartbeat), and under exactly-once the repartition write, the store updates and the offsets commit in one
 * transaction. Reading the public {@code gl.agent.health} instead would work too, but would make the alerts depend
 * on a topic other services read and on its compaction, and would need the same re-keying anyway.
 *
 * <p>An agent is assumed to stay with its plant: an agent that reappears under another plant is counted there
 * from then on, but stays in its old plant's count with its last status.
 */
package io.greenlang.streams.agents;
