/**
 * The plant tag map: which OPC UA server a plant's SCADA data comes from, how to secure the connection and which
 * tags to subscribe to; loaded from YAML and validated with every problem reported.
 */
package io.greenlang.scada.tagmap;
