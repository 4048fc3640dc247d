/** {@code gl bench executor}: step throughput of the executor worker with the local-process executor. */
package io.greenlang.bench.executor;
