package io.greenlang.streams.plant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.AlertSeverity;
import io.greenlang.events.plant.AlertState;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantAlertKind;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.streams.errors.DeadLetters;

/**
 * Keeps one {@link PlantRecord} per plant from its telemetry batches and connection status, and forwards a
 * {@link PlantState} when the state changed and a {@link PlantAlert} on every alert transition (see
 * {@link PlantStateTopology} for the rules). A wall-clock punctuator raises SCADA_OUTAGE for plants that went
 * silent. Never forwards anything but those two types.
 */
final class PlantStateProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(PlantStateProcessor.class);
    private static final String SERVICE = "streams-app";

    private final PlantSettings settings;
    private final PlantMetrics metrics;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, PlantRecord> store;
    /**
     * The task's plant records as last stored, decoded: saves decoding a plant's record on every batch (a task holds
     * the few plants whose telemetry partition it owns). Written through on every store write, and a plant's entry
     * is dropped when applying a record to it threw, so it never holds what the store does not.
     */
    private final Map<String, PlantRecord> decoded = new HashMap<>();

    PlantStateProcessor(PlantSettings settings, PlantMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(PlantStateTopology.PLANT_STORE);
        decoded.clear();
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkSilence);
    }

    @Override
    public void close() {
        decoded.clear();
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String plantId = record.key();
        if (plantId == null) {
            throw new IllegalArgumentException("plant record without a key");
        }
        long now = context.currentSystemTimeMs();
        PlantRecord plant = decoded.get(plantId);
        if (plant == null) {
            plant = store.get(plantId);
        }
        if (plant == null) {
            plant = new PlantRecord();
            plant.plantId = plantId;
            plant.lastDataWallMs = now;
        }
        try {
            apply(plantId, plant, record, now);
            store.put(plantId, plant);
        } catch (RuntimeException e) {
            decoded.remove(plantId);
            throw e;
        }
        decoded.put(plantId, plant);
    }

    private void apply(String plantId, PlantRecord plant, Record<String, SpecificRecord> record, long now) {
        if (record.value() instanceof TelemetryBatch batch) {
            requireKey(plantId, batch.getPlantId());
            plant.tenantId = batch.getMeta().getTenantId();
            applyBatch(plant, batch, now);
        } else if (record.value() instanceof ScadaConnectionStatus status) {
            requireKey(plantId, status.getPlantId());
            plant.tenantId = status.getMeta().getTenantId();
            plant.statusConnected = status.getState() == ConnectionState.CONNECTED;
        } else {
            throw new IllegalArgumentException("unexpected plant input "
                    + (record.value() == null ? "null (tombstone)" : record.value().getClass().getName()));
        }
        evaluate(plant, now, record.timestamp(), false);
    }

    private static void requireKey(String key, String plantId) {
        if (!key.equals(plantId)) {
            throw new IllegalArgumentException("record key '" + key + "' is not the event's plant id '" + plantId + "'");
        }
    }

    private void applyBatch(PlantRecord plant, TelemetryBatch batch, long now) {
        if (!batch.getSamples().isEmpty()) {
            plant.lastDataWallMs = now;
            if (!batch.getHistorical()) {
                plant.statusConnected = true;
            }
        }
        for (TagSample sample : batch.getSamples()) {
            String tag = sample.getTag();
            long at = sample.getSourceTimestamp().toEpochMilli();
            Long previous = plant.valueTimes.get(tag);
            boolean newest = previous == null || at >= previous;
            if (!isGood(sample)) {
                plant.badQualitySamples++;
                metrics.badQualitySample();
                if (newest) {
                    plant.quality.put(tag, sample.getQuality().getName());
                }
                continue;
            }
            metrics.sampleApplied();
            if (newest) {
                plant.values.put(tag, sample.getValue());
                plant.valueTimes.put(tag, at);
                plant.quality.put(tag, sample.getQuality().getName());
                plant.updatedAt = Math.max(plant.updatedAt, at);
            }
        }
    }

    /** Good quality (OPC UA severity bits 00) and a value. */
    static boolean isGood(TagSample sample) {
        return sample.getValue() != null && (sample.getQuality().getStatusCode() & 0xC0000000L) == 0;
    }

    /** Applies alert transitions and publishes the state if it changed; {@code silenceOnly} from the punctuator. */
    private void evaluate(PlantRecord plant, long now, long timestamp, boolean silenceOnly) {
        Derived d = derive(plant);
        boolean outage = !plant.statusConnected
                || now - plant.lastDataWallMs >= settings.scadaOutageAfter().toMillis();
        List<PlantAlert> alerts = new ArrayList<>();
        transition(plant, PlantAlertKind.SCADA_OUTAGE, outage, AlertSeverity.WARNING, null,
                outage ? (plant.statusConnected ? "No SCADA data for " + settings.scadaOutageAfter().toSeconds()
                        + " s" : "SCADA connection lost") : "SCADA data flowing again", timestamp, alerts);
        if (!silenceOnly) {
            if (d.demand != null) {
                boolean loss = d.supply < d.criticalDemand;
                transition(plant, PlantAlertKind.HEAT_LOSS, loss, AlertSeverity.CRITICAL, d.supply,
                        String.format("Heat supply %.2f MW %s critical demand %.2f MW", d.supply,
                                loss ? "below" : "restored to", d.criticalDemand), timestamp, alerts);
            }
            boolean high = d.maxPressureExcess > 0;
            if (d.pressureBoiler != null) {
                transition(plant, PlantAlertKind.PRESSURE_HIGH, high, AlertSeverity.CRITICAL, d.pressure,
                        String.format("Boiler %s drum pressure %.2f bar %s limit %.2f bar", d.pressureBoiler,
                                d.pressure, high ? "above" : "within", d.pressureLimit), timestamp, alerts);
            }
            if (d.fuelInput > 0) {
                boolean low = d.efficiency < settings.minEfficiency();
                transition(plant, PlantAlertKind.EFFICIENCY_LOW, low, AlertSeverity.WARNING, d.efficiency,
                        String.format("Efficiency %.1f%% %s minimum %.1f%%", d.efficiency * 100,
                                low ? "below" : "back above", settings.minEfficiency() * 100), timestamp, alerts);
            }
        }
        PlantRecord.View view = new PlantRecord.View(new TreeMap<>(plant.values), new TreeMap<>(plant.quality),
                plant.badQualitySamples, d.supply, d.demand == null ? 0.0 : d.demand, d.efficiency,
                plant.activeAlerts.contains(PlantAlertKind.HEAT_LOSS.name()),
                !plant.activeAlerts.contains(PlantAlertKind.SCADA_OUTAGE.name()), plant.updatedAt);
        if (!view.equals(plant.published)) {
            plant.published = view;
            context.forward(new Record<>(plant.plantId, state(plant, view, timestamp), timestamp));
        }
        for (PlantAlert alert : alerts) {
            context.forward(new Record<>(plant.plantId, alert, timestamp));
        }
    }

    private void transition(PlantRecord plant, PlantAlertKind kind, boolean condition, AlertSeverity severity,
                            Double value, String message, long timestamp, List<PlantAlert> out) {
        boolean active = plant.activeAlerts.contains(kind.name());
        if (condition == active) {
            return;
        }
        if (condition) {
            plant.activeAlerts.add(kind.name());
            metrics.alertRaised();
            log.warn("[plant {}] {} raised: {}", plant.plantId, kind, message);
        } else {
            plant.activeAlerts.remove(kind.name());
            log.info("[plant {}] {} cleared: {}", plant.plantId, kind, message);
        }
        out.add(PlantAlert.newBuilder()
                .setMeta(meta(plant, timestamp))
                .setPlantId(plant.plantId)
                .setKind(kind)
                .setState(condition ? AlertState.RAISED : AlertState.CLEARED)
                .setSeverity(severity)
                .setMessage(message)
                .setValue(value)
                .build());
    }

    private void checkSilence(long now) {
        List<KeyValue<String, PlantRecord>> silent = new ArrayList<>();
        try (KeyValueIterator<String, PlantRecord> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, PlantRecord> entry = it.next();
                PlantRecord plant = decoded.getOrDefault(entry.key, entry.value);
                boolean outage = !plant.statusConnected
                        || now - plant.lastDataWallMs >= settings.scadaOutageAfter().toMillis();
                if (outage != plant.activeAlerts.contains(PlantAlertKind.SCADA_OUTAGE.name())) {
                    silent.add(KeyValue.pair(entry.key, plant));
                }
            }
        }
        for (KeyValue<String, PlantRecord> entry : silent) {
            decoded.remove(entry.key);
            evaluate(entry.value, now, now, true);
            store.put(entry.key, entry.value);
            decoded.put(entry.key, entry.value);
        }
    }

    private PlantState state(PlantRecord plant, PlantRecord.View view, long timestamp) {
        return PlantState.newBuilder()
                .setMeta(meta(plant, timestamp))
                .setPlantId(plant.plantId)
                .setTags(new java.util.HashMap<>(view.tags()))
                .setTagQuality(new java.util.HashMap<>(view.tagQuality()))
                .setBadQualitySamples(view.badQualitySamples())
                .setHeatSupplyMw(view.heatSupplyMw())
                .setHeatDemandMw(view.heatDemandMw())
                .setEfficiency(view.efficiency())
                .setHeatLoss(view.heatLoss())
                .setScadaConnected(view.scadaConnected())
                .setUpdatedAt(Instant.ofEpochMilli(view.updatedAt()))
                .build();
    }

    private EventMeta meta(PlantRecord plant, long timestamp) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.ofEpochMilli(timestamp))
                .setTenantId(plant.tenantId == null ? DeadLetters.UNKNOWN_TENANT : plant.tenantId)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance()).build())
                .build();
    }

    /** The quantities derived from the tags ({@link PlantTags}). */
    private static final class Derived {
        double supply;
        Double demand;
        double criticalDemand;
        double fuelInput;
        double efficiency;
        String pressureBoiler;
        double pressure;
        double pressureLimit;
        double maxPressureExcess = Double.NEGATIVE_INFINITY;
    }

    private Derived derive(PlantRecord plant) {
        Derived d = new Derived();
        Map<String, Double> v = plant.values;
        for (Map.Entry<String, Double> e : v.entrySet()) {
            String tag = e.getKey();
            PlantTags.boilerOf(tag, PlantTags.HEAT_OUTPUT_MW).ifPresent(boiler -> {
                Double trip = v.get(PlantTags.boilerTag(boiler, PlantTags.TRIP));
                if (trip == null || trip < 0.5) {
                    d.supply += e.getValue();
                }
            });
            PlantTags.boilerOf(tag, PlantTags.FUEL_INPUT_MW).ifPresent(boiler -> d.fuelInput += e.getValue());
            PlantTags.boilerOf(tag, PlantTags.DRUM_PRESSURE_BAR).ifPresent(boiler -> {
                double limit = v.getOrDefault(PlantTags.boilerTag(boiler, PlantTags.DRUM_PRESSURE_LIMIT_BAR),
                        settings.pressureLimitBar());
                double excess = e.getValue() - limit;
                if (excess > d.maxPressureExcess) {
                    d.maxPressureExcess = excess;
                    d.pressureBoiler = boiler;
                    d.pressure = e.getValue();
                    d.pressureLimit = limit;
                }
            });
        }
        d.demand = v.get(PlantTags.HEAT_DEMAND_MW);
        if (d.demand != null) {
            Double critical = v.get(PlantTags.CRITICAL_HEAT_DEMAND_MW);
            d.criticalDemand = critical != null ? critical : d.demand * settings.criticalDemandFraction();
        }
        // Heat out over fuel in, over all boilers (tripped ones report their own, near-zero, output and input).
        d.efficiency = d.fuelInput > 0 ? d.supply / d.fuelInput : 0.0;
        return d;
    }
}
