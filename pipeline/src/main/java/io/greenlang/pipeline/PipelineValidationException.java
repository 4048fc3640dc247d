package io.greenlang.pipeline;

import java.util.List;
import java.util.stream.Collectors;

import io.greenlang.common.error.GreenLangException;

/**
 * A pipeline document or its parameters are invalid. Carries every problem found (validation does not stop at
 * the first); its error code is the first problem's.
 */
public final class PipelineValidationException extends GreenLangException {

    private static final long serialVersionUID = 1L;

    private final transient List<ValidationProblem> problems;

    /** At least one problem is required. */
    public PipelineValidationException(List<ValidationProblem> problems) {
        super(problems.get(0).code(), problems.size() + " problem(s) in the pipeline:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<ValidationProblem> problems() {
        return problems;
    }
}
