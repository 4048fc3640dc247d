/** Serdes shared by the streams-app topologies. */
package io.greenlang.streams.serde;
