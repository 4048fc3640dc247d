package io.greenlang.common.config;

import java.util.Arrays;

import org.slf4j.event.Level;

/**
 * The value of {@code GL_LOG_LEVEL}, spelled as in the runbook ({@code WARNING}, not {@code WARN}). It only
 * names a level; applying it to a logging backend is the job of the service's {@code main}.
 */
public enum LogLevel {
    /** Debug and above. */
    DEBUG(Level.DEBUG),
    /** Info and above. */
    INFO(Level.INFO),
    /** Warnings and errors. */
    WARNING(Level.WARN),
    /** Errors only. */
    ERROR(Level.ERROR);

    private final Level slf4jLevel;

    LogLevel(Level slf4jLevel) {
        this.slf4jLevel = slf4jLevel;
    }

    /** The matching SLF4J level ({@code WARNING} maps to {@link Level#WARN}). */
    public Level slf4jLevel() {
        return slf4jLevel;
    }

    static String[] configValues() {
        return Arrays.stream(values()).map(Enum::name).toArray(String[]::new);
    }
}
