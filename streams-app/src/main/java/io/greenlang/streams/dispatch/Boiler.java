package io.greenlang.streams.dispatch;

import java.util.Objects;

/**
 * One dispatchable boiler as the solver sees it at the time of a solve: its fixed parameters (from the plant's
 * fleet configuration) and its current operating state (from the plant's tags).
 *
 * <p>Ramp rule: a running boiler may move at most {@code rampMw} from its current output within one plan step and
 * may be switched off only if it can ramp down to its minimum stable load within that step; a stopped boiler
 * starts at between its minimum stable load and {@code max(minStableMw, rampMw)}. An unavailable (tripped) boiler
 * is off, whatever its state.
 *
 * @param assetId           asset id, also the setpoint's asset id
 * @param capacityMw        maximum heat output, MW thermal
 * @param minStableMw       minimum stable load when running, MW thermal
 * @param running           whether it is running now
 * @param outputMw          current heat output, MW thermal (ignored when not running)
 * @param startCost         cost of a start, in the plant's currency (charged when a stopped boiler is started)
 * @param rampMw            largest change of output within one plan step, MW
 * @param fuelCostPerMwh    fuel cost per MWh of heat
 * @param emissionsKgPerMwh CO2-equivalent emissions per MWh of heat, kg
 * @param critical          whether it feeds the plant's critical heat (only critical boilers count towards the
 *                          critical demand)
 * @param available         false when tripped or out of service
 */
public record Boiler(String assetId, double capacityMw, double minStableMw, boolean running, double outputMw,
                     double startCost, double rampMw, double fuelCostPerMwh, double emissionsKgPerMwh,
                     boolean critical, boolean available) {

    /** Validates the parameters. */
    public Boiler {
        Objects.requireNonNull(assetId, "assetId");
        requireFinite(capacityMw, "capacityMw");
        requireFinite(minStableMw, "minStableMw");
        requireFinite(outputMw, "outputMw");
        requireFinite(startCost, "startCost");
        requireFinite(rampMw, "rampMw");
        requireFinite(fuelCostPerMwh, "fuelCostPerMwh");
        requireFinite(emissionsKgPerMwh, "emissionsKgPerMwh");
        if (capacityMw <= 0 || minStableMw < 0 || minStableMw > capacityMw || rampMw <= 0 || startCost < 0
                || fuelCostPerMwh < 0 || emissionsKgPerMwh < 0 || outputMw < 0) {
            throw new IllegalArgumentException("boiler " + assetId + ": need 0 <= minStableMw <= capacityMw,"
                    + " capacityMw > 0, rampMw > 0 and non-negative costs, emissions and output");
        }
    }

    /** The same boiler with another running state and output (e.g. after a plan was applied). */
    public Boiler withOperatingPoint(boolean nowRunning, double nowOutputMw) {
        return new Boiler(assetId, capacityMw, minStableMw, nowRunning, nowOutputMw, startCost, rampMw,
                fuelCostPerMwh, emissionsKgPerMwh, critical, available);
    }

    /** The same boiler, available or not (a trip makes it unavailable). */
    public Boiler withAvailable(boolean nowAvailable) {
        return new Boiler(assetId, capacityMw, minStableMw, running, outputMw, startCost, rampMw,
                fuelCostPerMwh, emissionsKgPerMwh, critical, nowAvailable);
    }

    private static void requireFinite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
    }
}
