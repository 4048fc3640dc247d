/** OPC UA application certificates and trust lists shared by the bridge (client) and the simulator (server). */
package io.greenlang.scada.pki;
