/**
 * Kafka Streams topologies that derive state from events: run orchestration (each run's DAG,
 * exactly-once), plant state from SCADA telemetry, sub-agent health from heartbeats, and heat dispatch
 * planning. Talks to other services only through topics.
 */
package io.greenlang.streams;
