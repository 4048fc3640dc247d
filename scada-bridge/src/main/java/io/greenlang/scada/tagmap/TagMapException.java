package io.greenlang.scada.tagmap;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * A tag map that cannot be used: {@link ErrorCode#YAML_INVALID} when it does not parse, {@link ErrorCode#YAML_SCHEMA}
 * when it parses but breaks the rules; {@link #problems()} lists every problem found, each with its path.
 */
public final class TagMapException extends GreenLangException {

    private static final long serialVersionUID = 1L;

    private final transient List<TagMapProblem> problems;

    TagMapException(ErrorCode code, String source, List<TagMapProblem> problems, Throwable cause) {
        super(code, "Tag map " + source + " is not valid: " + problems.stream().map(TagMapProblem::toString)
                .collect(Collectors.joining("; ")), cause, Map.of("problems", problems.stream()
                .map(TagMapProblem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in document order. */
    public List<TagMapProblem> problems() {
        return problems;
    }
}
