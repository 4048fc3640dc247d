package io.greenlang.gateway.lag;

import java.util.Collection;
import java.util.Comparator;

/**
 * Status of a partition or of a consumer group, after Burrow's consumer-lag evaluation rules. Constants are
 * declared in increasing severity ({@link #severity()}), Burrow's own order. {@link #OK} and {@link #WARN}
 * apply to partitions and groups; {@link #STOP}, {@link #STALL} and {@link #REWIND} only to partitions;
 * {@link #ERR} only to groups.
 */
public enum LagStatus {

    /**
     * Nothing wrong: the current lag is zero, the window is not full yet, or the lag was zero or decreasing at
     * some point in the window while the committed offset moved forward.
     */
    OK,

    /**
     * Falling behind: the current lag is non-zero, no sample in the window had zero lag, the committed offset
     * moved, and the lag never decreased from one sample to the next (it stayed the same or grew in every
     * interval).
     */
    WARN,

    /**
     * A group status only: at least one of the group's partitions is {@link #STOP}, {@link #STALL} or
     * {@link #REWIND} (Burrow reports those partitions' group as ERR).
     */
    ERR,

    /**
     * The consumer stopped committing: the current lag is non-zero and the time since the last commit seen in
     * the window is greater than the time between the first and the last commit seen in it (so also when no
     * commit was seen in the whole window). Checked first, even if the lag was zero earlier in the window.
     */
    STOP,

    /**
     * The consumer is stuck: it keeps committing (it is not {@link #STOP}), but the committed offset is the same
     * in every sample of the window, the current lag is non-zero and no sample had zero lag.
     */
    STALL,

    /**
     * The committed offset went backwards between two samples of the window while the current lag is non-zero
     * (a reset to an earlier offset), even if the lag was zero earlier in the window.
     */
    REWIND;

    /** Higher is worse; {@link #OK} is 0. */
    public int severity() {
        return ordinal();
    }

    /** Worse first. */
    public static final Comparator<LagStatus> WORST_FIRST = Comparator.comparingInt(LagStatus::severity).reversed();

    /**
     * The status of a group from its partitions' statuses: the worst of them, where {@link #STOP}, {@link #STALL}
     * and {@link #REWIND} count as {@link #ERR}; {@link #OK} for no partitions.
     */
    public static LagStatus ofGroup(Collection<LagStatus> partitionStatuses) {
        LagStatus worst = OK;
        for (LagStatus status : partitionStatuses) {
            LagStatus asGroup = status.severity() > ERR.severity() ? ERR : status;
            if (asGroup.severity() > worst.severity()) {
                worst = asGroup;
            }
        }
        return worst;
    }
}
