/**
 * A simulated executor for demos, tests and benchmarks: it answers step commands with step events without
 * running anything. It is not the executor worker and must never be deployed as one.
 */
package io.greenlang.executor.sim;
