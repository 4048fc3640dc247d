/**
 * The agents process: {@link io.greenlang.agents.AgentMain} picks an agent by id from the
 * {@link io.greenlang.agents.AgentCatalog} and runs it under the GL_INPUT_URI / GL_OUTPUT_URI contract
 * ({@link io.greenlang.agents.sdk}). Talks to the platform only through the artifact bucket; never to Kafka.
 */
package io.greenlang.agents;
