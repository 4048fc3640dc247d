package io.greenlang.topics;

import java.util.List;

/**
 * What {@link TopicAdmin#apply} did.
 *
 * @param applied    the differences it fixed (topics created, partitions raised, configs aligned)
 * @param leftAlone  the differences it reported but did not change (for an operator to handle)
 */
public record ApplyReport(List<TopicDifference> applied, List<TopicDifference> leftAlone) {

    /** Copies the lists. */
    public ApplyReport {
        applied = List.copyOf(applied);
        leftAlone = List.copyOf(leftAlone);
    }

    /** Whether the cluster already matched the catalog. */
    public boolean noChange() {
        return applied.isEmpty();
    }
}
