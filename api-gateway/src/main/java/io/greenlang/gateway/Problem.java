package io.greenlang.gateway;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * An RFC 9457 problem detail as the gateway answers it ({@value #CONTENT_TYPE}): the standard members
 * {@code type}, {@code title}, {@code status}, {@code detail} and {@code instance}, plus the extension members
 * {@code code} (a GL-E code of the runbook) and {@code fix} (the runbook's fix for that code), and optionally
 * {@code details} (values from a {@link io.greenlang.common.error.GreenLangException}) and {@code error_id}
 * (for 5xx answers: the id under which the failure was logged).
 *
 * <p>{@code type} is {@code urn:greenlang:error:<code>} and {@code title} the code's runbook description, so both
 * are the same for every occurrence of a code, as RFC 9457 asks. A problem must never carry a stack trace, an
 * exception class name or a secret.
 *
 * @param status   the HTTP status
 * @param code     the error code
 * @param detail   what went wrong with this request, for people
 * @param instance the request path
 * @param details  extra values, may be empty
 * @param errorId  the log correlation id of a server fault, or null
 */
public record Problem(int status, ErrorCode code, String detail, String instance, Map<String, Object> details,
        String errorId) {

    /** The media type of a problem body. */
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Prefix of {@code type}; the code follows. */
    public static final String TYPE_PREFIX = "urn:greenlang:error:";

    /** Validates and copies the components. */
    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        details = details == null ? Map.of() : Map.copyOf(details);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has a 4xx or 5xx status: " + status);
        }
    }

    /** The {@code type} URI of a code. */
    public static String typeOf(ErrorCode code) {
        return TYPE_PREFIX + code.code();
    }

    /** The body as an ordered map, ready for JSON. */
    public Map<String, Object> toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", typeOf(code));
        body.put("title", code.description());
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("code", code.code());
        body.put("fix", code.fix());
        if (!details.isEmpty()) {
            body.put("details", details);
        }
        if (errorId != null) {
            body.put("error_id", errorId);
        }
        return body;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d %s: %s", status, code.code(), detail);
    }
}
