/**
 * The executor worker service: consumes {@code gl.step.commands}, stages {@code input.json}, launches each attempt
 * through a {@link io.greenlang.executor.StepExecutor}, checks the agent's {@code result.json} and reports
 * {@code gl.step.events}. {@link io.greenlang.executor.worker.WorkerMain} runs it.
 */
package io.greenlang.executor.worker;
