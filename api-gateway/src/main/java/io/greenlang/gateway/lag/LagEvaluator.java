package io.greenlang.gateway.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Burrow's consumer-lag evaluation rules as a pure function from a window of samples of one partition (oldest
 * first) to a {@link LagStatus}. Holds no state besides the window size; never talks to Kafka.
 *
 * <p>The rules, in Burrow's order (each status's javadoc says when it applies):
 * <ol>
 *   <li>a window with fewer samples than the window size is {@link LagStatus#OK} (not enough evidence);</li>
 *   <li>a current (latest) lag of zero is {@link LagStatus#OK};</li>
 *   <li>{@link LagStatus#STOP}; then {@link LagStatus#REWIND};</li>
 *   <li>if any sample in the window had zero lag, {@link LagStatus#OK};</li>
 *   <li>{@link LagStatus#STALL}; then {@link LagStatus#WARN}; otherwise {@link LagStatus#OK}.</li>
 * </ol>
 *
 * <p>Burrow's window holds one entry per commit, with its commit time. A poller sees offsets, not commits, so
 * a sample counts as showing a commit when the committed offset changed since the previous sample or a live
 * member held the partition ({@link LagSample#consumerActive()}); its time stands for the commit time.
 */
public final class LagEvaluator {

    /** Samples per partition window unless configured otherwise (Burrow's {@code intervals} default). */
    public static final int DEFAULT_WINDOW_SIZE = 10;

    private final int windowSize;

    /** @param windowSize samples a window must hold before anything but OK is reported; at least 2 */
    public LagEvaluator(int windowSize) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be at least 2, got " + windowSize);
        }
        this.windowSize = windowSize;
    }

    /** The window size. */
    public int windowSize() {
        return windowSize;
    }

    /**
     * @param window samples of one partition, oldest first; only the last {@link #windowSize()} are used
     * @param now    the evaluation time (for {@link LagStatus#STOP})
     */
    public LagStatus evaluate(List<LagSample> window, Instant now) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        if (window.size() < windowSize) {
            return LagStatus.OK;
        }
        List<LagSample> samples = window.subList(window.size() - windowSize, window.size());
        if (samples.get(samples.size() - 1).offsetLag() == 0) {
            return LagStatus.OK;
        }
        if (stopped(samples, now)) {
            return LagStatus.STOP;
        }
        if (rewound(samples)) {
            return LagStatus.REWIND;
        }
        if (samples.stream().anyMatch(s -> s.offsetLag() == 0)) {
            return LagStatus.OK;
        }
        if (stalled(samples)) {
            return LagStatus.STALL;
        }
        if (lagNeverDecreased(samples)) {
            return LagStatus.WARN;
        }
        return LagStatus.OK;
    }

    /** Burrow rule: now minus the last commit is greater than the last commit minus the first one. */
    private static boolean stopped(List<LagSample> samples, Instant now) {
        List<Instant> commits = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            LagSample sample = samples.get(i);
            boolean moved = i > 0 && sample.committedOffset() != samples.get(i - 1).committedOffset();
            if (moved || sample.consumerActive()) {
                commits.add(sample.time());
            }
        }
        if (commits.isEmpty()) {
            return true;
        }
        Instant first = commits.get(0);
        Instant last = commits.get(commits.size() - 1);
        return Duration.between(last, now).compareTo(Duration.between(first, last)) > 0;
    }

    private static boolean rewound(List<LagSample> samples) {
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).committedOffset() < samples.get(i - 1).committedOffset()) {
                return true;
            }
        }
        return false;
    }

    private static boolean stalled(List<LagSample> samples) {
        long first = samples.get(0).committedOffset();
        return samples.stream().allMatch(s -> s.committedOffset() == first);
    }

    private static boolean lagNeverDecreased(List<LagSample> samples) {
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).offsetLag() < samples.get(i - 1).offsetLag()) {
                return false;
            }
        }
        return true;
    }
}
