package io.greenlang.pipeline;

import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * One thing wrong with a pipeline document or its parameters.
 *
 * @param code    the GL-E code (GL-E-YAML-*, GL-E-DAG-*, GL-E-PARAM-*)
 * @param path    where, as a path into the document (e.g. {@code spec.steps[3].depends_on[0]}); {@code ""} for the
 *                whole document
 * @param message what is wrong, for a person
 * @param line    1-based line in the source, or 0 when unknown
 * @param column  1-based column in the source, or 0 when unknown
 */
public record ValidationProblem(ErrorCode code, String path, String message, int line, int column) {

    /** Code, path and message are required. */
    public ValidationProblem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** A problem without a source position. */
    public static ValidationProblem at(ErrorCode code, String path, String message) {
        return new ValidationProblem(code, path, message, 0, 0);
    }

    /** One line: {@code GL-E-DAG-CYCLE spec.steps[2] (line 14, column 5): ...}. */
    @Override
    public String toString() {
        String where = path.isEmpty() ? "(document)" : path;
        String position = line > 0 ? " (line " + line + ", column " + column + ")" : "";
        return code.code() + " " + where + position + ": " + message;
    }
}
