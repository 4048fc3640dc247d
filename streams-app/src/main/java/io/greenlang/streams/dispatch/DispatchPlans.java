package io.greenlang.streams.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.DispatchStatus;
import io.greenlang.events.plant.Setpoint;

/** Maps a {@link DispatchResult} to the {@link DispatchPlan} event. */
public final class DispatchPlans {

    private DispatchPlans() {
    }

    /**
     * The plan event for one solve.
     *
     * @param request  what was solved
     * @param result   the solver's answer
     * @param sequence the plant's solve number (makes the plan id deterministic per plant and solve)
     * @param now      when the plan is published
     * @param tenantId tenant of the plant
     * @param traceId  trace of the state that caused the solve, or null
     * @param instance producer instance
     * @param advisory whether the plan is for operators only (false: scada-bridge may write it to the plant)
     * @return the event
     */
    public static DispatchPlan toEvent(DispatchRequest request, DispatchResult result, long sequence, Instant now,
                                       String tenantId, String traceId, String instance, boolean advisory) {
        String planId = UUID.nameUUIDFromBytes((request.plantId() + "/dispatch/" + sequence + "/" + now.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8)).toString();
        List<Setpoint> setpoints = new ArrayList<>(result.allocations().size());
        for (DispatchResult.Allocation a : result.allocations()) {
            setpoints.add(Setpoint.newBuilder().setAssetId(a.assetId()).setOn(a.on()).setLoadMw(a.loadMw()).build());
        }
        return DispatchPlan.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(planId)
                        .setOccurredAt(now)
                        .setTenantId(tenantId)
                        .setProducer(Producer.newBuilder().setService(DispatchSettings.SERVICE).setInstance(instance)
                                .build())
                        .setTraceId(traceId)
                        .build())
                .setPlantId(request.plantId())
                .setPlanId(planId)
                .setSetpoints(setpoints)
                .setTotalCost(result.totalCost())
                .setTotalEmissionsKg(result.emissionsKg())
                .setDemandMw(request.demandMw())
                .setOptimalityGap(result.gap())
                .setSolveMs(result.solveMs())
                .setStatus(DispatchStatus.valueOf(result.status().name()))
                .setAdvisory(advisory)
                .setShortfallMw(result.shortfallMw())
                .setCriticalShortfallMw(result.criticalShortfallMw())
                .build();
    }
}
