package io.greenlang.pipeline;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The type of a pipeline parameter ({@code spec.parameters[].type}) and the Java type its bound value has in a
 * {@link RunPlan}: {@code string} and {@code enum} give {@link String}, {@code integer} {@link Long},
 * {@code number} {@link Double}, {@code boolean} {@link Boolean}.
 */
enum ParameterType {
    STRING, NUMBER, INTEGER, BOOLEAN, ENUM;

    /** The name written in a document, e.g. {@code integer}. */
    String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isNumeric() {
        return this == NUMBER || this == INTEGER;
    }

    static Optional<ParameterType> fromYaml(String name) {
        return Arrays.stream(values()).filter(t -> t.yamlName().equals(name)).findFirst();
    }

    /** {@code string, number, integer, boolean, enum}, for messages. */
    static String names() {
        return Arrays.stream(values()).map(ParameterType::yamlName).collect(Collectors.joining(", "));
    }
}
