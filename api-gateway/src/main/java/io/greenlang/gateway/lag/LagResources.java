package io.greenlang.gateway.lag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.ProblemException;
import io.greenlang.gateway.QueryParameter;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * The consumer-lag routes over a {@link LagSampler}'s latest snapshot: {@code GET /api/v1/lag[?group=]} (every
 * group worst first with all partition fields) and {@code GET /api/v1/message-bus/health} (the runbook's view,
 * {@link MessageBusHealth}). Both need {@link Role#VIEWER}. They only read the snapshot: a request never
 * reaches Kafka, so scraping the API cannot load the brokers.
 */
public final class LagResources {

    /** The OpenAPI schemas of these routes, for {@code ApiServer.Builder.routes(routes(), COMPONENTS)}. */
    public static final String COMPONENTS = "openapi-lag.json";
    /** Longest group id accepted in {@code ?group=}. */
    static final int MAX_GROUP_LENGTH = 255;

    private final LagSampler sampler;

    /** @param sampler the sampler whose snapshots are served; started and closed by the caller */
    public LagResources(LagSampler sampler) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /** The routes, to register with {@link #COMPONENTS}. */
    public List<Route> routes() {
        Set<Role> viewer = Set.of(Role.VIEWER);
        return List.of(
                new Route(HandlerType.GET, "/api/v1/lag", "getConsumerLag",
                        "Consumer-group lag per partition with Burrow's status, groups worst first", viewer,
                        List.of(new QueryParameter("group", "string", "Only this consumer group (404 when it is "
                                + "not sampled)")), "ConsumerLag", false, this::lag),
                new Route(HandlerType.GET, "/api/v1/message-bus/health", "getMessageBusHealth",
                        "Message-bus health from consumer time lag (warning > 500 ms, critical > 2 s)", viewer,
                        List.of(), "MessageBusHealth", false, this::health));
    }

    private void lag(Context ctx) {
        LagSampler.LagSnapshot snapshot = snapshot();
        String only = ctx.queryParam("group");
        List<GroupLag> groups = snapshot.groups();
        if (only != null && !only.isBlank()) {
            if (only.length() > MAX_GROUP_LENGTH) {
                throw new ProblemException(400, ErrorCode.PARAM_RANGE,
                        "group is longer than " + MAX_GROUP_LENGTH + " characters");
            }
            groups = List.of(snapshot.group(only).orElseThrow(() -> new GreenLangException(ErrorCode.DATA_NOT_FOUND,
                    "No consumer group " + only + " in the latest lag sample (groups without committed offsets "
                            + "are not sampled)", null, Map.of("group", only))));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("evaluated_at", snapshot.evaluatedAt());
        body.put("window_samples", snapshot.windowSize());
        body.put("sample_interval_seconds", sampler.interval().toMillis() / 1000.0);
        body.put("last_sample_failed", sampler.lastFailure().map(e -> e.errorCode().code()).orElse(null));
        List<Map<String, Object>> items = new ArrayList<>();
        for (GroupLag group : groups) {
            items.add(group(group));
        }
        body.put("groups", items);
        ApiJson.answer(ctx, 200, body);
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>(MessageBusHealth.of(snapshot()));
        body.put("last_sample_failed", sampler.lastFailure().map(e -> e.errorCode().code()).orElse(null));
        ApiJson.answer(ctx, 200, body);
    }

    private LagSampler.LagSnapshot snapshot() {
        return sampler.latest().orElseThrow(() -> new GreenLangException(ErrorCode.NETWORK_REFUSED,
                "No consumer-lag sample yet" + sampler.lastFailure().map(e -> ": the last one failed: "
                        + e.getMessage()).orElse(": the first one is still running"), null, Map.of()));
    }

    static Map<String, Object> group(GroupLag group) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("group", group.group());
        g.put("status", group.status().name());
        g.put("severity", LagSampler.groupSeverity(group.status()));
        g.put("offset_lag", group.partitions().stream().mapToLong(PartitionLag::offsetLag).sum());
        var max = MessageBusHealth.maxTimeLag(group);
        g.put("max_time_lag_ms", max == null ? null : max.toMillis());
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (PartitionLag p : group.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", p.topic());
            m.put("partition", p.partition());
            m.put("committed_offset", p.committed());
            m.put("log_end_offset", p.logEnd());
            m.put("offset_lag", p.offsetLag());
            m.put("time_lag_ms", p.timeLag() == null ? null : p.timeLag().toMillis());
            m.put("status", p.status().name());
            partitions.add(m);
        }
        g.put("partitions", partitions);
        return g;
    }
}
