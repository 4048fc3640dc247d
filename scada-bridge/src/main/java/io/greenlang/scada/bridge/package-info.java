/**
 * The SCADA bridge: one Milo OPC UA client per plant, subscribing to the plant's tag map and publishing
 * TelemetryBatch events (one per publishing cycle) and ScadaConnectionStatus changes to Kafka.
 */
package io.greenlang.scada.bridge;
