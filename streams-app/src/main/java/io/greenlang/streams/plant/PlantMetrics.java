package io.greenlang.streams.plant;

import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.events.common.DeadLetter;
import io.greenlang.streams.errors.DeadLetterListener;

/**
 * What the plant topology counts, for tests, benchmarks and diagnostics (not Prometheus metrics: the per-plant
 * count of ignored bad-quality samples is published in {@code PlantState.bad_quality_samples}). One instance is
 * shared by every stream task; thread-safe. Under exactly-once an aborted transaction is processed again, so the
 * counts may run slightly ahead of the committed history.
 */
public final class PlantMetrics implements DeadLetterListener {

    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong badQualitySamples = new AtomicLong();
    private final AtomicLong alertsRaised = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();

    /** Samples applied to the plant state (good quality, with a value). */
    public long samples() {
        return samples.get();
    }

    /** Samples ignored for their quality or a missing value. */
    public long badQualitySamples() {
        return badQualitySamples.get();
    }

    /** Plant alerts raised. */
    public long alertsRaised() {
        return alertsRaised.get();
    }

    /** Records parked on the dead-letter topic by this application's handlers. */
    public long deadLetters() {
        return deadLetters.get();
    }

    void sampleApplied() {
        samples.incrementAndGet();
    }

    void badQualitySample() {
        badQualitySamples.incrementAndGet();
    }

    void alertRaised() {
        alertsRaised.incrementAndGet();
    }

    @Override
    public void deadLettered(DeadLetter letter) {
        deadLetters.incrementAndGet();
    }
}
