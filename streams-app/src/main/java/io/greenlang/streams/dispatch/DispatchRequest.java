package io.greenlang.streams.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to solve: one plant's boilers and its heat demand.
 *
 * @param plantId             plant id
 * @param boilers             the plant's boilers (asset ids unique)
 * @param demandMw            total heat demand, MW thermal
 * @param criticalDemandMw    the part of the demand that is critical; must be met by critical boilers first
 * @param carbonPricePerTonne price of a tonne of CO2-equivalent, added to the fuel cost (0 to ignore emissions)
 * @param timeLimit           wall-clock bound on the solve
 */
public record DispatchRequest(String plantId, List<Boiler> boilers, double demandMw, double criticalDemandMw,
                              double carbonPricePerTonne, Duration timeLimit) {

    /** Validates and copies the boiler list. */
    public DispatchRequest {
        Objects.requireNonNull(plantId, "plantId");
        boilers = List.copyOf(boilers);
        Objects.requireNonNull(timeLimit, "timeLimit");
        if (!(demandMw >= 0) || !(criticalDemandMw >= 0) || criticalDemandMw > demandMw
                || !(carbonPricePerTonne >= 0) || Double.isInfinite(demandMw)) {
            throw new IllegalArgumentException("plant " + plantId
                    + ": need 0 <= criticalDemandMw <= demandMw (finite) and carbonPricePerTonne >= 0");
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("timeLimit must be positive");
        }
        if (boilers.stream().map(Boiler::assetId).distinct().count() != boilers.size()) {
            throw new IllegalArgumentException("plant " + plantId + ": boiler asset ids must be unique");
        }
    }
}
