package io.greenlang.gateway;

import io.greenlang.common.error.ErrorCode;

/**
 * The one place that decides which runbook code a request-level (HTTP protocol) failure carries. The runbook
 * (§6) has no codes for these, so each takes the closest code, and its fix text, while keeping the HTTP status
 * of the failure:
 * <ul>
 *   <li>404 unknown route and 405 method not allowed: {@link ErrorCode#DATA_NOT_FOUND} ("Verify dataset path"):
 *       the caller named something that does not exist at that path and method;</li>
 *   <li>400 a parameter that does not parse (a non-numeric limit, a forged cursor): {@link ErrorCode#PARAM_TYPE};</li>
 *   <li>400 a parameter outside its range (limit 0, an unknown status) and 413 a body over the limit:
 *       {@link ErrorCode#PARAM_RANGE};</li>
 *   <li>any other 4xx from the framework: {@link ErrorCode#PARAM_TYPE}; any 5xx: {@link ErrorCode#INTERNAL}.</li>
 * </ul>
 */
public final class RequestErrors {

    private RequestErrors() {
    }

    /**
     * The code of a framework-level failure with this HTTP status.
     *
     * @param status the HTTP status
     * @return the code
     */
    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404, 405 -> ErrorCode.DATA_NOT_FOUND;
            case 413 -> ErrorCode.PARAM_RANGE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.PARAM_TYPE;
        };
    }

    /**
     * A 400 for a parameter that does not parse.
     *
     * @param detail what was wrong
     * @return the exception to throw
     */
    public static ProblemException badType(String detail) {
        return new ProblemException(400, ErrorCode.PARAM_TYPE, detail);
    }

    /**
     * A 400 for a parameter outside its range.
     *
     * @param detail what was wrong
     * @return the exception to throw
     */
    public static ProblemException outOfRange(String detail) {
        return new ProblemException(400, ErrorCode.PARAM_RANGE, detail);
    }
}
