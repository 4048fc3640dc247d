/** {@code gl bench audit}: append throughput of the hash-chained audit store next to a raw COPY of the same rows. */
package io.greenlang.bench.audit;
