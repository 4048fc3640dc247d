/**
 * A bounded first-in-first-out queue of opaque records on local disk ({@link io.greenlang.scada.spool.Spool}):
 * where the SCADA bridge keeps telemetry while Kafka is unreachable. Knows nothing of Kafka, Avro or OPC UA.
 */
package io.greenlang.scada.spool;
