/**
 * Measuring helpers shared by the benchmarks: where in a measured window the slow latencies fell.
 */
package io.greenlang.bench.measure;
