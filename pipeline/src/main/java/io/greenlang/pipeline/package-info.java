/**
 * GLIP v1 pipeline specifications: parsing and validating pipeline documents, compiling them into
 * DAG plans with deterministic idempotency keys, and the policy engine (YAML rules with CEL conditions,
 * optional OPA over HTTP) that decides whether a run or step may proceed.
 */
package io.greenlang.pipeline;
