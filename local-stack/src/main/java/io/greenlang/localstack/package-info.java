/**
 * Real infrastructure started inside one JVM for local runs and tests: a single-node KRaft Kafka broker,
 * PostgreSQL 17 and an S3 API server, all keeping their data under one directory
 * ({@link io.greenlang.localstack.LocalStack}).
 *
 * <p>Nothing here is a mock: the same wire protocols as production. Nothing here is meant for production
 * either: one node, loopback only, trust authentication for PostgreSQL.
 */
package io.greenlang.localstack;
