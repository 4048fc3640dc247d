/**
 * The plant simulator: an OPC UA server (Eclipse Milo) serving physically plausible boiler tags for N plants,
 * with scenarios (boiler trip, over-pressure, dropped connection) for demos and tests.
 */
package io.greenlang.scada.sim;
