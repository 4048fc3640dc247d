/**
 * The run orchestrator: {@link io.greenlang.streams.orchestrator.RunOrchestratorTopology} (the exactly-once
 * Processor API topology that turns run requests, commands and step events into step commands, run events, run
 * state and policy decisions) and {@link io.greenlang.streams.orchestrator.RunOrchestratorApp} (the running
 * application). The planner and the policy engine are injected, so the topology is tested with plans built in
 * code and lambda policies.
 */
package io.greenlang.streams.orchestrator;
