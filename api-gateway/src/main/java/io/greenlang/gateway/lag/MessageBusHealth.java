package io.greenlang.gateway.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The process-heat runbook's message-bus view ({@code GET /api/v1/message-bus/health}) computed from a
 * {@link LagSampler.LagSnapshot}: the overall status from the runbook's alerting thresholds for "Message bus lag"
 * (warning above {@link #WARNING_TIME_LAG}, critical above {@link #CRITICAL_TIME_LAG}, target below
 * {@link #TARGET_TIME_LAG}), applied to the time lag of every sampled partition, plus the worst groups.
 * The same thresholds are the Prometheus alert rules in {@code deploy/prometheus/gl-lag-rules.yml}.
 */
public final class MessageBusHealth {

    /** The runbook's target for message bus lag ("Target Metrics": below 100 ms). */
    public static final Duration TARGET_TIME_LAG = Duration.ofMillis(100);
    /** The runbook's warning threshold: message bus lag above 500 ms. */
    public static final Duration WARNING_TIME_LAG = Duration.ofMillis(500);
    /** The runbook's critical threshold: message bus lag above 2 s. */
    public static final Duration CRITICAL_TIME_LAG = Duration.ofSeconds(2);
    /** The runbook's action for both thresholds. */
    public static final String ACTION = "SCALING_GUIDE.md (Message Bus Scaling): scale the lagging groups' "
            + "consumers and the topics' partitions";
    /** Groups listed in {@code worst_groups}. */
    public static final int WORST_GROUPS = 5;

    /** Overall status, in increasing severity. */
    public enum Level {
        /** No partition's time lag is above {@link #WARNING_TIME_LAG}. */
        HEALTHY,
        /** Some partition's time lag is above {@link #WARNING_TIME_LAG}, none above {@link #CRITICAL_TIME_LAG}. */
        WARNING,
        /** Some partition's time lag is above {@link #CRITICAL_TIME_LAG}. */
        CRITICAL;

        /** The level of one time lag; {@link #HEALTHY} when unknown (null). */
        public static Level of(Duration timeLag) {
            if (timeLag == null || timeLag.compareTo(WARNING_TIME_LAG) <= 0) {
                return HEALTHY;
            }
            return timeLag.compareTo(CRITICAL_TIME_LAG) > 0 ? CRITICAL : WARNING;
        }

        /** Lower case, as the API writes it. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private MessageBusHealth() {
    }

    /** The largest known time lag of a group's partitions, null when none is known. */
    static Duration maxTimeLag(GroupLag group) {
        return group.partitions().stream().map(PartitionLag::timeLag).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
    }

    /**
     * The view as a JSON-ready map.
     *
     * @param snapshot the evaluation to judge
     * @return the body of {@code GET /api/v1/message-bus/health}
     */
    public static Map<String, Object> of(LagSampler.LagSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        Duration max = null;
        int unknown = 0;
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (LagStatus status : List.of(LagStatus.OK, LagStatus.WARN, LagStatus.ERR)) {
            byStatus.put(status.name(), 0);
        }
        for (GroupLag group : snapshot.groups()) {
            byStatus.merge(group.status().name(), 1, Integer::sum);
            for (PartitionLag p : group.partitions()) {
                if (p.timeLag() == null) {
                    unknown++;
                } else if (max == null || p.timeLag().compareTo(max) > 0) {
                    max = p.timeLag();
                }
            }
        }
        Level level = Level.of(max);
        List<GroupLag> worst = new ArrayList<>(snapshot.groups());
        worst.sort(Comparator.<GroupLag, Duration>comparing(MessageBusHealth::maxTimeLag,
                        Comparator.nullsFirst(Comparator.<Duration>naturalOrder())).reversed()
                .thenComparing(GroupLag::status, LagStatus.WORST_FIRST)
                .thenComparing(GroupLag::group));
        List<Map<String, Object>> worstGroups = new ArrayList<>();
        for (GroupLag group : worst.subList(0, Math.min(WORST_GROUPS, worst.size()))) {
            Duration groupMax = maxTimeLag(group);
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("group", group.group());
            g.put("status", Level.of(groupMax).json());
            g.put("lag_status", group.status().name());
            g.put("max_time_lag_ms", groupMax == null ? null : groupMax.toMillis());
            g.put("offset_lag", group.partitions().stream().mapToLong(PartitionLag::offsetLag).sum());
            g.put("partitions", group.partitions().size());
            worstGroups.add(g);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", level.json());
        body.put("evaluated_at", snapshot.evaluatedAt());
        body.put("max_time_lag_ms", max == null ? null : max.toMillis());
        body.put("thresholds", Map.of("target_ms", TARGET_TIME_LAG.toMillis(),
                "warning_ms", WARNING_TIME_LAG.toMillis(), "critical_ms", CRITICAL_TIME_LAG.toMillis()));
        body.put("action", level == Level.HEALTHY ? null : ACTION);
        body.put("groups", byStatus);
        body.put("partitions_with_unknown_time_lag", unknown);
        body.put("worst_groups", worstGroups);
        return body;
    }
}
