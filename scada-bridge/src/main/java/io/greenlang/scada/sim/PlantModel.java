package io.greenlang.scada.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated physics of N plants with M boilers each: a deterministic function of the seed and the sequence
 * of ticks and scenarios applied, independent of any OPC UA machinery so it can be tested on its own.
 *
 * <p>Each boiler has a capacity (MW thermal), an efficiency and a nominal drum pressure drawn from the seed. The
 * plant's heat demand wanders slowly around 60% of its installed capacity; running boilers share the demand in
 * proportion to their capacity (capped at full load), so a trip moves load to the others and, when they cannot
 * carry it, leaves the plant short. Steam flow, fuel flow, flue gas and drum pressure follow from the load.
 *
 * <p>Each boiler also has a load setpoint ({@code B<n>.SETPOINT.LOAD_MW}). Until it is written it shows the share
 * of the demand the plant's master controller gives the boiler, and the boiler follows the demand as above. Once a
 * setpoint is written ({@link #setLoadSetpoint}) the boiler is in remote: its output ramps towards the setpoint
 * (clamped to 0..capacity) at most {@link #RAMP_FRACTION_PER_MINUTE} of its capacity per minute, and the other
 * boilers share what remains of the demand. A model whose setpoints are never written behaves exactly as one
 * without setpoints (same values from the same seed). Not thread-safe: the simulator serialises ticks and scenarios.
 */
public final class PlantModel {

    /** Drum pressure above which a boiler is over its limit, in bar(g); PRESSURE_HIGH alerts key on it. */
    public static final double PRESSURE_LIMIT_BAR = 45.0;
    /** Lower heating value of natural gas, MJ/kg: fuel flow in kg/s = fuel power MW / LHV. */
    static final double FUEL_LHV_MJ_PER_KG = 50.0;
    /** Heat carried by one tonne per hour of steam at about 40 bar / 400 degC from 105 degC feedwater, MW. */
    static final double MW_PER_TPH = 0.78;
    static final double AMBIENT_C = 20.0;
    /** Fastest change of a boiler in remote, as a fraction of its capacity per minute. */
    public static final double RAMP_FRACTION_PER_MINUTE = 0.5;
    /** Tag name suffix of a boiler's load setpoint, MW thermal, prefixed with {@code B<n>.}; the only writable tag. */
    public static final String LOAD_SETPOINT_TAG = "SETPOINT.LOAD_MW";

    /** Tag name suffixes of every boiler, prefixed with {@code B<n>.}. */
    public static final List<String> BOILER_TAGS = List.of(
            "STEAM.FLOW_TPH", "DRUM.PRESSURE_BAR", "STEAM.TEMP_C", "FUEL.FLOW_KGS",
            "FLUE.O2_PCT", "FLUE.TEMP_C", "HEAT.OUTPUT_MW", "FUEL.INPUT_MW", "STATUS.TRIPPED", LOAD_SETPOINT_TAG);
    /** Plant-level tag: the heat the site asks for. */
    public static final String PLANT_DEMAND_TAG = "PLANT.HEAT.DEMAND_MW";

    private final List<Plant> plants = new ArrayList<>();
    private final SplittableRandom random;
    private long ticks;

    /**
     * A model of {@code plants} plants with {@code boilers} boilers each.
     *
     * @param seed every value follows deterministically from it
     */
    public PlantModel(int plants, int boilers, long seed) {
        if (plants < 1 || boilers < 1) {
            throw new IllegalArgumentException("plants and boilers must be at least 1, got " + plants + " x " + boilers);
        }
        this.random = new SplittableRandom(seed);
        for (int p = 1; p <= plants; p++) {
            List<Boiler> list = new ArrayList<>();
            for (int b = 1; b <= boilers; b++) {
                double capacity = 15.0 + random.nextInt(6) * 5.0;       // 15..40 MW
                double efficiency = 0.84 + random.nextDouble() * 0.06;  // 84..90 %
                double nominalPressure = 38.0 + random.nextDouble() * 4.0;
                list.add(new Boiler("B" + b, capacity, efficiency, nominalPressure));
            }
            Plant plant = new Plant(plantId(p), list);
            plant.demandFraction = 0.55 + random.nextDouble() * 0.1;
            plant.demandMw = plant.capacity() * plant.demandFraction;
            this.plants.add(plant);
        }
        for (Plant plant : this.plants) {
            plant.settle(1.0, 0, random, true);
        }
    }

    /** Plant id of the 1-based plant index: {@code plant-<n>}. */
    public static String plantId(int index) {
        return "plant-" + index;
    }

    /** Plant ids in order. */
    public List<String> plantIds() {
        return plants.stream().map(p -> p.id).toList();
    }

    /** Boiler ids of a plant ({@code B1..BM}). */
    public List<String> boilerIds(String plantId) {
        return plant(plantId).boilers.stream().map(b -> b.id).toList();
    }

    /** Installed capacity of one boiler, MW thermal. */
    public double capacityMw(String plantId, String boilerId) {
        return boiler(plantId, boilerId).capacity;
    }

    /** Number of ticks applied so far. */
    public long ticks() {
        return ticks;
    }

    /** Advances the model by {@code dtSeconds} of plant time: demand drifts, loads follow, noise moves. */
    public void tick(double dtSeconds) {
        ticks++;
        for (Plant plant : plants) {
            double drift = (random.nextDouble() - 0.5) * 0.01 * Math.min(dtSeconds, 10.0);
            plant.demandFraction = Math.max(0.35, Math.min(0.8, plant.demandFraction + drift));
            plant.demandMw = plant.capacity() * plant.demandFraction;
            plant.settle(Math.min(1.0, dtSeconds / 5.0), dtSeconds, random, false);
        }
    }

    /** Trips a boiler: it stops firing, its load moves to the others; it stays tripped until reset. */
    public void tripBoiler(String plantId, String boilerId) {
        boiler(plantId, boilerId).tripped = true;
    }

    /** Clears a trip: the boiler takes load again from the next tick. */
    public void resetBoiler(String plantId, String boilerId) {
        boiler(plantId, boilerId).tripped = false;
    }

    /**
     * Writes a boiler's load setpoint, MW thermal: from the next tick the boiler is in remote and ramps towards it
     * (see the class comment); it stays in remote until {@link #releaseLoadSetpoint}.
     */
    public void setLoadSetpoint(String plantId, String boilerId, double loadMw) {
        if (!Double.isFinite(loadMw)) {
            throw new IllegalArgumentException("load setpoint of " + plantId + " " + boilerId + " must be finite, got "
                    + loadMw);
        }
        Boiler boiler = boiler(plantId, boilerId);
        boiler.remote = true;
        boiler.setpointMw = loadMw;
    }

    /** Hands a boiler in remote back to the plant's master controller: it follows the demand again. */
    public void releaseLoadSetpoint(String plantId, String boilerId) {
        boiler(plantId, boilerId).remote = false;
    }

    /** Adds {@code bar} to a boiler's drum pressure (0 removes it); enough pushes it past {@link #PRESSURE_LIMIT_BAR}. */
    public void raisePressure(String plantId, String boilerId, double bar) {
        Boiler boiler = boiler(plantId, boilerId);
        boiler.pressureOffset = bar;
        boiler.pressure = boiler.targetPressure();
    }

    /** Current value of every tag of a plant, by tag name, in a stable order. */
    public Map<String, Double> values(String plantId) {
        Plant plant = plant(plantId);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(PLANT_DEMAND_TAG, plant.demandMw);
        for (Boiler b : plant.boilers) {
            out.put(b.id + ".STEAM.FLOW_TPH", b.heatMw / MW_PER_TPH);
            out.put(b.id + ".DRUM.PRESSURE_BAR", b.pressure);
            out.put(b.id + ".STEAM.TEMP_C", b.steamTemp);
            out.put(b.id + ".FUEL.FLOW_KGS", b.heatMw / b.efficiency / FUEL_LHV_MJ_PER_KG);
            out.put(b.id + ".FLUE.O2_PCT", b.o2);
            out.put(b.id + ".FLUE.TEMP_C", b.flueTemp);
            out.put(b.id + ".HEAT.OUTPUT_MW", b.heatMw);
            out.put(b.id + ".FUEL.INPUT_MW", b.heatMw / b.efficiency);
            out.put(b.id + ".STATUS.TRIPPED", b.tripped ? 1.0 : 0.0);
            out.put(b.id + "." + LOAD_SETPOINT_TAG, b.setpointMw);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Total heat output of a plant's boilers, MW thermal. */
    public double heatSupplyMw(String plantId) {
        return plant(plantId).boilers.stream().mapToDouble(b -> b.heatMw).sum();
    }

    /** Heat demand of a plant, MW thermal. */
    public double heatDemandMw(String plantId) {
        return plant(plantId).demandMw;
    }

    private Plant plant(String plantId) {
        return plants.stream().filter(p -> p.id.equals(plantId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no plant " + plantId + "; plants: " + plantIds()));
    }

    private Boiler boiler(String plantId, String boilerId) {
        return plant(plantId).boilers.stream().filter(b -> b.id.equals(boilerId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no boiler " + boilerId + " in " + plantId));
    }

    private static final class Plant {
        final String id;
        final List<Boiler> boilers;
        double demandFraction;
        double demandMw;

        Plant(String id, List<Boiler> boilers) {
            this.id = id;
            this.boilers = boilers;
        }

        double capacity() {
            return boilers.stream().mapToDouble(b -> b.capacity).sum();
        }

        /**
         * Moves every boiler a fraction {@code alpha} of the way to its steady state for the current demand; a boiler
         * in remote moves towards its setpoint instead, by at most its ramp over {@code dtSeconds}.
         */
        void settle(double alpha, double dtSeconds, SplittableRandom random, boolean initial) {
            double running = boilers.stream().filter(b -> !b.tripped && !b.remote).mapToDouble(b -> b.capacity).sum();
            double remoteHeat = boilers.stream().filter(b -> !b.tripped && b.remote).mapToDouble(b -> b.heatMw).sum();
            double load = running <= 0 ? 0 : Math.min(1.0, Math.max(0, demandMw - remoteHeat) / running);
            for (Boiler b : boilers) {
                double noise = 1 + (random.nextDouble() - 0.5) * 0.01;
                if (!b.remote) {
                    b.setpointMw = b.tripped ? 0 : b.capacity * load;
                }
                double targetHeat = b.tripped ? 0
                        : (b.remote ? Math.max(0, Math.min(b.capacity, b.setpointMw)) : b.capacity * load) * noise;
                double step = (targetHeat - b.heatMw) * alpha;
                if (b.remote) {
                    double ramp = b.capacity * RAMP_FRACTION_PER_MINUTE * dtSeconds / 60.0;
                    step = Math.max(-ramp, Math.min(ramp, step));
                }
                // a trip cuts the fire at once; a load change ramps
                b.heatMw = b.tripped ? 0 : initial ? targetHeat : b.heatMw + step;
                double fired = b.capacity <= 0 ? 0 : b.heatMw / b.capacity;
                b.pressure = approach(b.pressure, b.targetPressure() + (random.nextDouble() - 0.5) * 0.2, alpha,
                        initial);
                double tempTarget = b.tripped ? 250 : 380 + 40 * fired + (random.nextDouble() - 0.5);
                b.steamTemp = approach(b.steamTemp, tempTarget, alpha, initial);
                double o2Target = b.tripped ? 20.9 : 5.5 - 2.5 * fired + (random.nextDouble() - 0.5) * 0.2;
                b.o2 = approach(b.o2, o2Target, b.tripped ? 1 : alpha, initial);
                double flueTarget = b.tripped ? AMBIENT_C + 60 : 120 + 60 * fired + (random.nextDouble() - 0.5);
                b.flueTemp = approach(b.flueTemp, flueTarget, alpha, initial);
            }
        }

        private static double approach(double current, double target, double alpha, boolean initial) {
            return initial ? target : current + (target - current) * alpha;
        }
    }

    private static final class Boiler {
        final String id;
        final double capacity;
        final double efficiency;
        final double nominalPressure;
        boolean tripped;
        boolean remote;
        double setpointMw;
        double pressureOffset;
        double heatMw;
        double pressure;
        double steamTemp;
        double o2;
        double flueTemp;

        Boiler(String id, double capacity, double efficiency, double nominalPressure) {
            this.id = id;
            this.capacity = capacity;
            this.efficiency = efficiency;
            this.nominalPressure = nominalPressure;
        }

        /** A tripped boiler loses pressure towards a banked 5 bar; a scenario offset adds on top. */
        double targetPressure() {
            return (tripped ? 5.0 : nominalPressure) + pressureOffset;
        }
    }
}
