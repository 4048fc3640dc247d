/**
 * The audit sink: appends every audited event to its hash chain in PostgreSQL exactly once,
 * verifies chains, builds audit packages and rebuilds chains by replaying the topics. Its read API
 * ({@code AuditStore}) is the one place that knows the hash rules.
 */
package io.greenlang.audit;
