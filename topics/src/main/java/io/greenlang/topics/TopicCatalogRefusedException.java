package io.greenlang.topics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link TopicAdmin#apply} when the catalog asks for something the cluster cannot be changed to
 * safely (such as fewer partitions). Nothing was changed when this is thrown.
 */
public final class TopicCatalogRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<TopicDifference> refused;

    /** Refuses the catalog because of these differences. */
    public TopicCatalogRefusedException(List<TopicDifference> refused) {
        super("Refusing to apply the topic catalog; nothing was changed:\n"
                + refused.stream().map(d -> "  - " + d.describe()).collect(Collectors.joining("\n")));
        this.refused = List.copyOf(refused);
    }

    /** The differences that cannot be applied. */
    public List<TopicDifference> refused() {
        return refused;
    }
}
