package io.greenlang.common.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The value of {@code GL_ENVIRONMENT}: which kind of deployment a service runs in. It selects nothing on its
 * own; services may use it for log format or labels, never to relax a safety check.
 */
public enum DeploymentEnvironment {
    /** Production deployment. */
    PRODUCTION,
    /** Pre-production deployment. */
    STAGING,
    /** A developer machine or {@code gl local up}. */
    DEVELOPMENT;

    /** The configuration spelling, e.g. {@code production}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] configValues() {
        return Arrays.stream(values()).map(DeploymentEnvironment::configValue).toArray(String[]::new);
    }

    static DeploymentEnvironment fromConfigValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
