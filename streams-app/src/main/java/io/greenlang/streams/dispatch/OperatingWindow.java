package io.greenlang.streams.dispatch;

/**
 * What one boiler may do in the next plan step, in integer units of {@link #UNITS_PER_MW}: run between {@code lo}
 * and {@code hi} (when {@code canRun}), or stop (when {@code canStop}). Derived from {@link Boiler}'s ramp rule.
 */
record OperatingWindow(boolean canRun, boolean canStop, int lo, int hi) {

    /** Solver resolution: 0.1 MW. */
    static final int UNITS_PER_MW = 10;

    static OperatingWindow of(Boiler boiler) {
        if (!boiler.available()) {
            return new OperatingWindow(false, true, 0, 0);
        }
        int cap = down(boiler.capacityMw());
        int min = Math.min(up(boiler.minStableMw()), cap);
        int ramp = down(boiler.rampMw());
        if (boiler.running()) {
            int out = (int) Math.round(boiler.outputMw() * UNITS_PER_MW);
            int hi = Math.max(Math.min(cap, out + ramp), min);
            int lo = Math.min(Math.max(min, out - ramp), hi);
            return new OperatingWindow(true, out - ramp <= min, lo, hi);
        }
        return new OperatingWindow(cap > 0, true, min, Math.min(cap, Math.max(min, ramp)));
    }

    static double mw(long units) {
        return units / (double) UNITS_PER_MW;
    }

    static int up(double mw) {
        return (int) Math.ceil(mw * UNITS_PER_MW - 1e-9);
    }

    private static int down(double mw) {
        return (int) Math.floor(mw * UNITS_PER_MW + 1e-9);
    }
}
