package io.greenlang.bench.ingest;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;

/**
 * The CPU time this process used over a window, as a share of the machine (1.0: every core busy for the whole
 * window). The broker, the simulator, the bridges and the plant-state application all run in this process, so
 * it tells how much of the machine a phase took.
 */
final class CpuShare {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startCpuNs = OS.getProcessCpuTime();
    private final long startNs = System.nanoTime();

    private CpuShare() {
    }

    /** Starts a window now. */
    static CpuShare start() {
        return new CpuShare();
    }

    /** The share of the machine used since {@link #start()}, rounded to three decimals. */
    double share() {
        double cpuNs = OS.getProcessCpuTime() - startCpuNs;
        double wallNs = (double) (System.nanoTime() - startNs) * Runtime.getRuntime().availableProcessors();
        return wallNs <= 0 ? 0 : Math.round(cpuNs / wallNs * 1000) / 1000.0;
    }
}
