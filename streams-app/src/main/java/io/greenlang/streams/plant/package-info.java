/**
 * Plant state (ARCHITECTURE §5 "Plants and agents", step 2): per-plant state, plant alerts and one-minute
 * telemetry aggregates derived from the scada-bridge's telemetry and connection status.
 */
package io.greenlang.streams.plant;
