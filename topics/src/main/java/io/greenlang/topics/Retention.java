package io.greenlang.topics;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a {@link CleanupPolicy#DELETE delete} topic keeps its records: a duration, or forever.
 * Compacted topics have no retention: their size is bounded by the number of keys.
 */
public final class Retention {

    private static final Retention FOREVER = new Retention(null);

    private final Duration duration;

    private Retention(Duration duration) {
        this.duration = duration;
    }

    /** Records are kept at least this long. */
    public static Retention of(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + duration);
        }
        return new Retention(duration);
    }

    /** Records are kept in days, for readability of the catalog. */
    public static Retention days(long days) {
        return of(Duration.ofDays(days));
    }

    /** Records are never deleted by age ({@code retention.ms=-1}). */
    public static Retention forever() {
        return FOREVER;
    }

    /** The duration, or empty for forever. */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** The value of Kafka's {@code retention.ms} topic config. */
    public long retentionMs() {
        return duration == null ? -1L : duration.toMillis();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Retention other && Objects.equals(duration, other.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(duration);
    }

    @Override
    public String toString() {
        if (duration == null) {
            return "forever";
        }
        long days = duration.toDays();
        return duration.equals(Duration.ofDays(days)) ? days + " d" : duration.toString();
    }
}
