package io.greenlang.streams.dispatch;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The configured boilers of one plant (their fixed parameters; running state and output come from the plant's
 * tags), the share of its demand that is critical, and its carbon price.
 *
 * <p>Tags read from {@code PlantState.tags} for boiler {@code B}: {@code B.HEAT.OUTPUT_MW} (current output; running
 * when above 0) and {@code B.STATUS.TRIPPED} (tripped when non-zero), as the plant simulator names them.
 *
 * @param plantId             plant id
 * @param boilers             its boilers, as configured (running state and output are overwritten from tags)
 * @param criticalShare       fraction of the heat demand that is critical (0..1)
 * @param carbonPricePerTonne price of a tonne of CO2-equivalent
 */
public record BoilerFleet(String plantId, List<Boiler> boilers, double criticalShare, double carbonPricePerTonne) {

    /** Suffix of a boiler's heat output tag. */
    public static final String OUTPUT_TAG = ".HEAT.OUTPUT_MW";
    /** Suffix of a boiler's trip status tag. */
    public static final String TRIP_TAG = ".STATUS.TRIPPED";

    /** Validates and copies. */
    public BoilerFleet {
        Objects.requireNonNull(plantId, "plantId");
        boilers = List.copyOf(boilers);
        if (!(criticalShare >= 0 && criticalShare <= 1) || !(carbonPricePerTonne >= 0)) {
            throw new IllegalArgumentException("plant " + plantId
                    + ": criticalShare must be within 0..1 and carbonPricePerTonne >= 0");
        }
    }

    /**
     * A deterministic fleet for a simulated plant: boilers {@code B1..Bn} (the simulator's ids) of 5-40 MW with
     * plausible minimum loads, ramps, start costs, fuel costs and emissions; the first third are critical.
     *
     * @param plantId plant id
     * @param count   number of boilers
     * @param seed    random seed (same seed, same fleet)
     * @return the fleet, every boiler stopped
     */
    public static BoilerFleet simulated(String plantId, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ plantId.hashCode());
        List<Boiler> boilers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boilers.add(simulatedBoiler(i, count, 5 + random.nextInt(36), random));
        }
        return new BoilerFleet(plantId, boilers, 0.3, 80);
    }

    /**
     * A deterministic fleet for a simulated plant whose boiler capacities are known (e.g. the plant simulator's):
     * boilers {@code B1..Bn} with the given capacities and, as in {@link #simulated(String, int, long)}, plausible
     * minimum loads, ramps, start costs, fuel costs and emissions; the first third are critical.
     *
     * @param plantId    plant id
     * @param capacities capacity in MW of {@code B1, B2, ...}
     * @param seed       random seed (same seed, same fleet)
     * @return the fleet, every boiler stopped
     */
    public static BoilerFleet simulated(String plantId, List<Double> capacities, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ plantId.hashCode());
        List<Boiler> boilers = new ArrayList<>(capacities.size());
        for (int i = 0; i < capacities.size(); i++) {
            boilers.add(simulatedBoiler(i, capacities.size(), capacities.get(i), random));
        }
        return new BoilerFleet(plantId, boilers, 0.3, 80);
    }

    private static Boiler simulatedBoiler(int index, int count, double capacity, SplittableRandom random) {
        double minStable = Math.round(capacity * (0.2 + 0.2 * random.nextDouble()) * 10) / 10.0;
        double ramp = Math.round(capacity * (0.3 + 0.5 * random.nextDouble()) * 10) / 10.0;
        boolean gas = random.nextBoolean();
        double fuel = gas ? 30 + random.nextInt(20) : 20 + random.nextInt(15);
        double emissions = gas ? 200 + random.nextInt(40) : 330 + random.nextInt(60);
        return new Boiler("B" + (index + 1), capacity, minStable, false, 0, 50 + random.nextInt(400), ramp, fuel,
                emissions, index < Math.max(1, count / 3), true);
    }

    /**
     * Reads fleets from YAML: {@code plants: {<plantId>: {critical_share, carbon_price_per_tonne, boilers: [{id,
     * capacity_mw, min_stable_mw, ramp_mw, start_cost, fuel_cost_per_mwh, emissions_kg_per_mwh, critical}]}}}.
     *
     * @param file the YAML file
     * @return fleet by plant id
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the plant and field when a value is missing or invalid
     */
    public static Map<String, BoilerFleet> readYaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Map<String, BoilerFleet> fleets = new HashMap<>();
            for (Map.Entry<?, ?> plant : map(map(root, file.toString()).get("plants"), "plants").entrySet()) {
                String plantId = String.valueOf(plant.getKey());
                Map<?, ?> spec = map(plant.getValue(), plantId);
                List<Boiler> boilers = new ArrayList<>();
                Object list = spec.get("boilers");
                if (!(list instanceof List<?> items) || items.isEmpty()) {
                    throw new IllegalArgumentException("plant " + plantId + ": boilers must be a non-empty list");
                }
                for (Object item : items) {
                    Map<?, ?> b = map(item, plantId + ".boilers[]");
                    String id = String.valueOf(b.get("id"));
                    String where = plantId + "." + id;
                    boilers.add(new Boiler(id, number(b, "capacity_mw", where, null),
                            number(b, "min_stable_mw", where, 0.0), false, 0, number(b, "start_cost", where, 0.0),
                            number(b, "ramp_mw", where, null), number(b, "fuel_cost_per_mwh", where, null),
                            number(b, "emissions_kg_per_mwh", where, 0.0),
                            Boolean.TRUE.equals(b.get("critical")), true));
                }
                fleets.put(plantId, new BoilerFleet(plantId, boilers, number(spec, "critical_share", plantId, 0.0),
                        number(spec, "carbon_price_per_tonne", plantId, 0.0)));
            }
            return fleets;
        }
    }

    /**
     * The solver's request for this fleet given the plant's demand and tags.
     *
     * @param demandMw heat demand
     * @param tags     the plant's tag values (output and trip per boiler; missing tags: stopped, not tripped)
     * @param limit    solve time bound
     * @return the request
     */
    public DispatchRequest request(double demandMw, Map<String, Double> tags, java.time.Duration limit) {
        List<Boiler> now = new ArrayList<>(boilers.size());
        for (Boiler b : boilers) {
            double output = Math.max(0, tags.getOrDefault(b.assetId() + OUTPUT_TAG, 0.0));
            boolean tripped = tags.getOrDefault(b.assetId() + TRIP_TAG, 0.0) != 0;
            now.add(b.withOperatingPoint(output > 0, output).withAvailable(!tripped));
        }
        double demand = Math.max(0, demandMw);
        return new DispatchRequest(plantId, now, demand, demand * criticalShare, carbonPricePerTonne, limit);
    }

    private static Map<?, ?> map(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        return m;
    }

    private static double number(Map<?, ?> spec, String key, String where, Double fallback) {
        Object value = spec.get(key);
        if (value == null && fallback != null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number");
        }
        return number.doubleValue();
    }
}
