/**
 * The executor worker: consumes step commands, stages inputs in the S3 artifact store, runs
 * each step as a local process or a Kubernetes Job, and reports step events with an error code on failure.
 * Talks to other services only through topics.
 */
package io.greenlang.executor;
