package io.greenlang.scada.tagmap;

/**
 * One tag of a plant's tag map.
 *
 * @param nodeId             OPC UA node id in its text form, e.g. {@code ns=2;s=plant-1/B1.STEAM.FLOW_TPH}
 * @param assetId            asset the tag belongs to, e.g. {@code plant-1/B1}
 * @param tag                tag name used on the event bus, e.g. {@code B1.STEAM.FLOW_TPH}
 * @param unit               engineering unit, e.g. {@code t/h}
 * @param samplingIntervalMs how often the server samples the value, in milliseconds
 * @param deadband           absolute deadband: changes smaller than this are not reported (0 reports every change)
 */
public record TagSpec(String nodeId, String assetId, String tag, String unit, double samplingIntervalMs,
                      double deadband) {
}
