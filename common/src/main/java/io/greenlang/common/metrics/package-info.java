/**
 * The metric catalogue ({@link io.greenlang.common.metrics.GlMetrics}), Prometheus registry factory and
 * registration helper ({@link io.greenlang.common.metrics.GlMeters}).
 */
package io.greenlang.common.metrics;
