/**
 * The agent SDK: what an agent author implements ({@link io.greenlang.agents.sdk.Agent}) and what the SDK does
 * around it ({@link io.greenlang.agents.sdk.AgentRunner}): read {@code input.json} from {@code GL_INPUT_URI},
 * hand the agent an {@link io.greenlang.agents.sdk.AgentContext}, write {@code result.json} with provenance and
 * artifact hashes to {@code GL_OUTPUT_URI}, and exit with the code the worker expects.
 *
 * <p>The SDK talks to the artifact bucket only. It must never depend on Kafka clients, topics or any service
 * module (checked by {@code AgentsArchitectureTest}): an agent is a plain process that a worker launches.
 */
package io.greenlang.agents.sdk;
