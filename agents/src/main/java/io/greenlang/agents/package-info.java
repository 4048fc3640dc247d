/**
 * The agent SDK (the GL_INPUT_URI / GL_OUTPUT_URI contract), reference agents and the sub-agent
 * heartbeat simulator. Talks to other services only through topics.
 */
package io.greenlang.agents;
