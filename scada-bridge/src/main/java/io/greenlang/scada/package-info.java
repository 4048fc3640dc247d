/**
 * The SCADA bridge: subscribes to plant tags over OPC UA and publishes telemetry batches and
 * connection status; also the plant simulator, an OPC UA server for demos and tests.
 */
package io.greenlang.scada;
