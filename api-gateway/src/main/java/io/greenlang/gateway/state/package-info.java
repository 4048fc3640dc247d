/**
 * Live state queries: the compacted state topics (gl.run.state, gl.plant.state, gl.agent.health) materialised in
 * the gateway as Kafka Streams GlobalKTables over in-memory stores ({@link io.greenlang.gateway.state.StateViews})
 * and served as the plant, agent, heat-distribution and coordination routes
 * ({@link io.greenlang.gateway.state.StateResources}). Read-only: nothing here writes to Kafka.
 */
package io.greenlang.gateway.state;
