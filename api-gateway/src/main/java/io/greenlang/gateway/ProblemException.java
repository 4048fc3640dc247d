package io.greenlang.gateway;

import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * A request the gateway refuses before reaching the platform: a bad query or path parameter, an unknown route, a
 * body that is too large. Unlike a {@link io.greenlang.common.error.GreenLangException}, whose HTTP status is its
 * code's, the status here is the HTTP status of the request-level failure (400, 404, 405, 413) and the code is
 * the runbook code closest to it (see {@link RequestErrors}): the runbook has no codes for HTTP protocol errors,
 * and the catalogue must not grow codes the runbook does not have.
 */
public final class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ErrorCode code;

    /**
     * @param status the HTTP status, 4xx
     * @param code   the runbook code closest to the failure
     * @param detail what was wrong, for the caller
     */
    public ProblemException(int status, ErrorCode code, String detail) {
        super(Objects.requireNonNull(code, "code").code() + ": " + detail);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("request problems are 4xx: " + status);
        }
        this.status = status;
        this.code = code;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The code. */
    public ErrorCode code() {
        return code;
    }

    /** The detail without the code prefix. */
    public String detail() {
        return getMessage().substring(code.code().length() + 2);
    }
}
