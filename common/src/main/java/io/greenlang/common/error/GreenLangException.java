package io.greenlang.common.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one runtime exception of the platform: a failure carrying an {@link ErrorCode}, a message, an optional
 * cause and optional details (a small map of values such as {@code step_id} or {@code bucket} that the API puts
 * into its error body). {@link #getMessage()} is {@code "GL-E-...: message"}.
 *
 * <p>Retriability, HTTP status and class come from the code, decided once in {@link ErrorCode}; callers must
 * never decide them from the message or the cause. Details must not contain secrets: they are shown to users.
 */
public class GreenLangException extends RuntimeException {

    private final ErrorCode errorCode;
    private final String detailMessage;
    private final transient Map<String, Object> details;

    /**
     * @param errorCode the code
     * @param message   what happened, for the user (without the code: it is prefixed)
     */
    public GreenLangException(ErrorCode errorCode, String message) {
        this(errorCode, message, null, Map.of());
    }

    /**
     * @param errorCode the code
     * @param message   what happened, for the user (without the code: it is prefixed)
     * @param cause     the underlying failure, may be null
     */
    public GreenLangException(ErrorCode errorCode, String message, Throwable cause) {
        this(errorCode, message, cause, Map.of());
    }

    /**
     * @param errorCode the code
     * @param message   what happened, for the user (without the code: it is prefixed)
     * @param cause     the underlying failure, may be null
     * @param details   values for the error body, e.g. {@code step_id}; copied, insertion order kept
     */
    public GreenLangException(ErrorCode errorCode, String message, Throwable cause, Map<String, ?> details) {
        super(Objects.requireNonNull(errorCode, "errorCode").code() + ": " + message, cause);
        this.errorCode = errorCode;
        this.detailMessage = message;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
    }

    /** The code. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The message without the {@code GL-E-...: } prefix. */
    public String detailMessage() {
        return detailMessage;
    }

    /** Details for the error body; unmodifiable, possibly empty. */
    public Map<String, Object> details() {
        return details;
    }

    /** Shorthand for {@code errorCode().errorClass()}. */
    public ErrorClass errorClass() {
        return errorCode.errorClass();
    }

    /** Shorthand for {@code errorCode().retryPolicy()}. */
    public RetryPolicy retryPolicy() {
        return errorCode.retryPolicy();
    }

    /** Shorthand for {@code errorCode().isRetryable()}. */
    public boolean isRetryable() {
        return errorCode.isRetryable();
    }

    /** Shorthand for {@code errorCode().httpStatus()}. */
    public int httpStatus() {
        return errorCode.httpStatus();
    }
}
