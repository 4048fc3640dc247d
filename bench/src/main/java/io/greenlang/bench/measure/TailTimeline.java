package io.greenlang.bench.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where in the window the tail of a latency distribution falls: per second of the window, the slowest latency and
 * how many latencies exceeded a threshold. A p99 made of stalls shows as a few seconds with many slow readings (and
 * their spacing tells a periodic cause from a random one); a p99 made of uniformly slow readings shows in every
 * second. Not thread-safe.
 */
public final class TailTimeline {

    private final long thresholdMs;
    private final TreeMap<Long, long[]> seconds = new TreeMap<>();

    /** Counts latencies above {@code thresholdMs}. */
    public TailTimeline(long thresholdMs) {
        this.thresholdMs = thresholdMs;
    }

    /** Notes a latency of {@code ms} for something that completed {@code offsetMs} into the window. */
    public void record(long offsetMs, long ms) {
        long[] second = seconds.computeIfAbsent(Math.floorDiv(offsetMs, 1000), s -> new long[2]);
        second[0] = Math.max(second[0], ms);
        if (ms > thresholdMs) {
            second[1]++;
        }
    }

    /** The {@code n} seconds with the most latencies above the threshold, in window order. */
    public List<Map<String, Object>> worst(int n) {
        List<Map.Entry<Long, long[]>> entries = new ArrayList<>(seconds.entrySet());
        entries.removeIf(e -> e.getValue()[1] == 0);
        entries.sort(Comparator.comparingLong((Map.Entry<Long, long[]> e) -> e.getValue()[1]).reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        entries.stream().limit(n).sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("second", e.getKey());
            m.put("max_ms", e.getValue()[0]);
            m.put("over_" + thresholdMs + "_ms", e.getValue()[1]);
            out.add(m);
        });
        return out;
    }

    /** Seconds of the window with at least one latency above the threshold. */
    public long secondsOverThreshold() {
        return seconds.values().stream().filter(s -> s[1] > 0).count();
    }

    /** Seconds of the window with anything recorded. */
    public long secondsRecorded() {
        return seconds.size();
    }
}
