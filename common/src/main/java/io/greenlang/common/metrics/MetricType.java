package io.greenlang.common.metrics;

/**
 * The kinds of meter the catalogue declares, with the suffix the Prometheus exposition puts on each. It only
 * describes a meter; registering one is {@link GlMeters}' job.
 */
public enum MetricType {
    /** A monotonically increasing count; exposed with the suffix {@code _total}. */
    COUNTER("_total"),
    /** A value that goes up and down; exposed as declared. */
    GAUGE(""),
    /** Durations recorded into a histogram; exposed with the suffix {@code _seconds} ({@code _bucket}, ...). */
    TIMER("_seconds"),
    /**
     * Amounts other than durations recorded into a histogram (a distribution summary, e.g. samples per batch);
     * exposed as declared ({@code _bucket}, {@code _count}, {@code _sum}, {@code _max}).
     */
    DISTRIBUTION("");

    private final String prometheusSuffix;

    MetricType(String prometheusSuffix) {
        this.prometheusSuffix = prometheusSuffix;
    }

    /** The suffix the exposed name must end with ({@code _total}, {@code _seconds}, or none). */
    public String prometheusSuffix() {
        return prometheusSuffix;
    }
}
