/**
 * The local executor: step attempts as child processes of the worker, recorded in {@code GL_WORKER_STATE_DIR} so
 * that a restarted worker re-attaches to them instead of launching them twice.
 */
package io.greenlang.executor.local;
