package io.greenlang.streams.plant;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the plant-state store keeps per plant (see {@link io.greenlang.streams.serde.StoreSerde}): the last good value, its source time and the latest quality
 * of every tag, the connection as last reported, when data last arrived (wall-clock), the active alerts and the
 * last published view. Mutable; only {@link PlantStateProcessor} touches it.
 */
final class PlantRecord {

    public String plantId;
    public String tenantId;
    public TreeMap<String, Double> values = new TreeMap<>();
    public TreeMap<String, Long> valueTimes = new TreeMap<>();
    public TreeMap<String, String> quality = new TreeMap<>();
    public long badQualitySamples;
    public long updatedAt;
    /** False after a DISCONNECTED or RECONNECTING status, true again on CONNECTED or live data. */
    public boolean statusConnected = true;
    public long lastDataWallMs;
    /** Names of the {@code PlantAlertKind}s currently raised. */
    public TreeSet<String> activeAlerts = new TreeSet<>();
    /** The derived view last published to {@code gl.plant.state}; null before the first. */
    public View published;

    /**
     * Everything {@code PlantState} carries besides its envelope; equal views need no new state record.
     */
    record View(Map<String, Double> tags, Map<String, String> tagQuality, long badQualitySamples,
                double heatSupplyMw, double heatDemandMw, double efficiency, boolean heatLoss,
                boolean scadaConnected, long updatedAt) {
    }
}
