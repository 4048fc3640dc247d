/**
 * The ingest benchmark: plant simulator (OPC UA server) to SCADA bridge to Kafka to the plant-state topology,
 * measured from outside by an observer of gl.scada.telemetry and gl.plant.state, next to a raw OPC UA
 * subscription and a raw Kafka producer on the same machine in the same run.
 */
package io.greenlang.bench.ingest;
