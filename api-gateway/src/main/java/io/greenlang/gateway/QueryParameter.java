package io.greenlang.gateway;

import java.util.Objects;

/**
 * A query parameter a {@link Route} accepts, as documented in the OpenAPI document.
 *
 * @param name        the parameter name, e.g. {@code limit}
 * @param type        its OpenAPI schema type: {@code string} or {@code integer}
 * @param description what it does, including its default and bounds
 */
public record QueryParameter(String name, String type, String description) {

    /** Validates the components. */
    public QueryParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (!type.equals("string") && !type.equals("integer")) {
            throw new IllegalArgumentException("query parameter type must be string or integer: " + type);
        }
    }
}
