/**
 * Run submission through a transactional outbox published by a Debezium embedded engine, and run commands
 * (cancel, approve, reject). Entry point: {@link io.greenlang.gateway.submit.RunSubmissions}.
 */
package io.greenlang.gateway.submit;
