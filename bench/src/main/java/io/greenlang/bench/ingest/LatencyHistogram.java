package io.greenlang.bench.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latencies in whole milliseconds, counted per millisecond up to one minute (longer ones in the last bucket, their
 * maximum kept exactly): constant memory at hundreds of thousands of samples a second. Not thread-safe.
 */
public final class LatencyHistogram {

    private static final int BUCKETS = 60_000;

    private final long[] counts = new long[BUCKETS + 1];
    private long samples;
    private long max;
    private long negative;

    /** Adds {@code n} samples of {@code ms}; a negative latency (clock step) counts as 0 and is reported. */
    void record(long ms, long n) {
        if (ms < 0) {
            negative += n;
            ms = 0;
        }
        counts[(int) Math.min(ms, BUCKETS)] += n;
        samples += n;
        max = Math.max(max, ms);
    }

    /** Samples recorded. */
    public long samples() {
        return samples;
    }

    /** Nearest-rank percentile ({@code q} in (0, 1]) in ms; 0 without samples. */
    public long percentile(double q) {
        if (samples == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * samples));
        long seen = 0;
        for (int ms = 0; ms < counts.length; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return ms == BUCKETS ? max : ms;
            }
        }
        return max;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        m.put("p50_ms", percentile(0.50));
        m.put("p90_ms", percentile(0.90));
        m.put("p99_ms", percentile(0.99));
        m.put("max_ms", max);
        if (negative > 0) {
            m.put("negative_counted_as_zero", negative);
        }
        return m;
    }
}
