package io.greenlang.common.error;

/**
 * The runbook §6 subsection an {@link ErrorCode} belongs to (its numeric range and heading). Only used to group
 * the catalogue in documentation; behaviour hangs off {@link ErrorClass} and {@link RetryPolicy}, never off the
 * category.
 */
public enum ErrorCategory {
    /** §6.1 GL-E-1xxx: Input Errors (USER_CONFIG). */
    INPUT("6.1", "GL-E-1xxx", "Input errors"),
    /** §6.2 GL-E-2xxx: Execution Errors (AGENT_BUG / TRANSIENT). */
    EXECUTION("6.2", "GL-E-2xxx", "Execution errors"),
    /** §6.3 GL-E-3xxx: Policy Errors (POLICY_DENIED). */
    POLICY("6.3", "GL-E-3xxx", "Policy errors"),
    /** §6.4 GL-E-4xxx: Infrastructure Errors (INFRASTRUCTURE / RESOURCE). */
    INFRASTRUCTURE("6.4", "GL-E-4xxx", "Infrastructure errors"),
    /** §6.5 GL-E-5xxx: Internal Errors (AGENT_BUG). */
    INTERNAL("6.5", "GL-E-5xxx", "Internal errors");

    private final String runbookSection;
    private final String range;
    private final String title;

    ErrorCategory(String runbookSection, String range, String title) {
        this.runbookSection = runbookSection;
        this.range = range;
        this.title = title;
    }

    /** The runbook section, e.g. {@code 6.4}. */
    public String runbookSection() {
        return runbookSection;
    }

    /** The runbook's numeric range, e.g. {@code GL-E-4xxx}. */
    public String range() {
        return range;
    }

    /** A human title, e.g. {@code Infrastructure errors}. */
    public String title() {
        return title;
    }
}
