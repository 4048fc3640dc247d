/**
 * Test agents ({@code GL-TEST-*}) for the executor's tests, benchmarks and demos: each does one thing, often
 * breaking the agent contract on purpose (no result, a result that is not JSON, no provenance, a wrong artifact
 * hash, a crash, a hang) so the worker's handling of it can be tested against a real process. Never use them in a
 * production pipeline; a policy rule may refuse them.
 */
package io.greenlang.agents.testing;
