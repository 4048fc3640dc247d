package io.greenlang.scada.tagmap;

import java.util.Objects;

/**
 * One tag of a plant's tag map.
 *
 * @param nodeId             OPC UA node id in its text form, e.g. {@code ns=2;s=plant-1/B1.STEAM.FLOW_TPH}
 * @param assetId            asset the tag belongs to, e.g. {@code plant-1/B1}
 * @param tag                tag name used on the event bus, e.g. {@code B1.STEAM.FLOW_TPH}
 * @param unit               engineering unit, e.g. {@code t/h}
 * @param samplingIntervalMs how often the server samples the value, in milliseconds
 * @param deadband           absolute deadband: changes smaller than this are not reported (0 reports every change)
 * @param dispatchAssetId    the dispatch asset ({@code Setpoint.asset_id} of a DispatchPlan, e.g. {@code B1}) whose
 *                           {@code load_mw} this tag carries; null for a tag that carries no setpoint
 * @param writable           whether the setpoint writer may write this tag; only with {@code limits}
 * @param limits             the range and rate limits of writes; null when not given (then not writable)
 */
public record TagSpec(String nodeId, String assetId, String tag, String unit, double samplingIntervalMs,
                      double deadband, String dispatchAssetId, boolean writable, WriteLimits limits) {

    /** Checks that a writable tag has its setpoint mapping and its limits. */
    public TagSpec {
        if (writable && (dispatchAssetId == null || limits == null)) {
            throw new IllegalArgumentException("tag " + tag + ": a writable tag needs a dispatch asset id and limits");
        }
    }

    /** A tag that carries no setpoint and is never written. */
    public TagSpec(String nodeId, String assetId, String tag, String unit, double samplingIntervalMs,
                   double deadband) {
        this(nodeId, assetId, tag, unit, samplingIntervalMs, deadband, null, false, null);
    }

    /** The same tag carrying the setpoint of {@code dispatchAsset}, writable within {@code writeLimits}. */
    public TagSpec writableSetpointOf(String dispatchAsset, WriteLimits writeLimits) {
        return new TagSpec(nodeId, assetId, tag, unit, samplingIntervalMs, deadband,
                Objects.requireNonNull(dispatchAsset, "dispatchAsset"), true,
                Objects.requireNonNull(writeLimits, "writeLimits"));
    }

    /**
     * Limits of the values the setpoint writer may write to a tag.
     *
     * @param min              lowest value allowed, in the tag's unit
     * @param max              highest value allowed, at least {@code min}
     * @param maxRatePerMinute largest change allowed per minute, &gt; 0: a write may move the value by at most
     *                         {@code maxRatePerMinute} times the minutes since the previous write to the tag, and by
     *                         at most {@code maxRatePerMinute} when the tag was not written in the last minute
     */
    public record WriteLimits(double min, double max, double maxRatePerMinute) {

        /** Validates. */
        public WriteLimits {
            if (!Double.isFinite(min) || !Double.isFinite(max) || min > max
                    || !(maxRatePerMinute > 0) || Double.isInfinite(maxRatePerMinute)) {
                throw new IllegalArgumentException("write limits need finite min <= max and a finite "
                        + "max_rate_per_minute > 0, got min " + min + ", max " + max + ", rate " + maxRatePerMinute);
            }
        }
    }
}
