/** {@code gl bench replay}: throughput of the audit replay next to a raw read of the same partitions. */
package io.greenlang.bench.replay;
