package io.greenlang.pipeline.policy;

/** When a policy rule applies: before a run starts, or before each step is dispatched. */
public enum PolicyStage {
    /** Before the run starts ({@code applies_to: pre_run}). */
    PRE_RUN,
    /** Before each step is dispatched ({@code applies_to: pre_step}). */
    PRE_STEP
}
