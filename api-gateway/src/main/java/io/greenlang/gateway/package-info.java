/**
 * The API gateway: REST API, transactional outbox published by Debezium embedded, authentication
 * and tenancy, state queries, admin operations and the consumer-lag monitor.
 */
package io.greenlang.gateway;
