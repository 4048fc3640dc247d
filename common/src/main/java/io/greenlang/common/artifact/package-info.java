/**
 * The artifact contract between the executor worker and the agents: where a step attempt's files live in S3
 * ({@link io.greenlang.common.artifact.ArtifactLayout}), what the worker hands the agent
 * ({@link io.greenlang.common.artifact.RunContext}, {@code input.json}), what the agent hands back
 * ({@link io.greenlang.common.artifact.StepResult}, {@code result.json}), and the S3 access both use
 * ({@link io.greenlang.common.artifact.ArtifactStore}), with S3 failures mapped to GL-E-S3-* codes.
 *
 * <p>Both documents are described by JSON Schemas shipped next to these classes
 * ({@code run-context.schema.json}, {@code step-result.schema.json}); docs/artifacts.md explains them.
 */
package io.greenlang.common.artifact;
