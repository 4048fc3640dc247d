/**
 * The orchestration benchmark: the run orchestrator with a simulated executor on one broker, measured from
 * outside by a read_committed observer (steps/s, scheduling overhead, run latency).
 */
package io.greenlang.bench.orchestration;
