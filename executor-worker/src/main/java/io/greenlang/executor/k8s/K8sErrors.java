package io.greenlang.executor.k8s;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * The one place where failures of the Kubernetes API become {@link GreenLangException}s, and so where their
 * retriability is decided (through the code):
 * <ul>
 *   <li>403 whose message says {@code exceeded quota}: GL-E-K8S-QUOTA (bounded retry, the namespace is full);</li>
 *   <li>any other 403: GL-E-INTERNAL, the executor's own service account lacks a permission of
 *       {@code deploy/rbac/executor-rbac.yaml}, which no retry fixes;</li>
 *   <li>400 and 422: GL-E-AGENT-CRASH, the Job as specified by the step cannot be started (e.g. an invalid image
 *       reference or quantity), which no retry fixes;</li>
 *   <li>429: GL-E-API-RATE-LIMIT; 5xx: GL-E-API-5XX;</li>
 *   <li>no answer: GL-E-NETWORK-REFUSED when the connection was refused, GL-E-NETWORK-TIMEOUT otherwise;</li>
 *   <li>anything else: GL-E-UNEXPECTED.</li>
 * </ul>
 * Callers never look at status codes themselves except for the expected answers 404 and 409
 * ({@link #isNotFound}, {@link #isConflict}).
 */
final class K8sErrors {

    private static final int FORBIDDEN = 403;
    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;

    private K8sErrors() {
    }

    /** 404: the object does not exist. */
    static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == NOT_FOUND;
    }

    /** 409: the object exists already (create) or was changed meanwhile (update). */
    static boolean isConflict(KubernetesClientException e) {
        return e.getCode() == CONFLICT;
    }

    /** 403 with "exceeded quota" in the API server's message (a ResourceQuota of the namespace refused it). */
    static boolean isQuotaExceeded(KubernetesClientException e) {
        if (e.getCode() != FORBIDDEN) {
            return false;
        }
        String status = e.getStatus() == null ? null : e.getStatus().getMessage();
        return contains(status, "exceeded quota") || contains(e.getMessage(), "exceeded quota");
    }

    /**
     * The GreenLang failure for {@code e}.
     *
     * @param e       what the client threw
     * @param action  what was attempted, for the message, e.g. {@code create Job gl-mrv-1-...}
     * @param jobName the Job concerned, for the details; null when none
     * @return the exception to throw
     */
    static GreenLangException toGreenLang(KubernetesClientException e, String action, String jobName) {
        int status = e.getCode();
        String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        Map<String, Object> details = new LinkedHashMap<>();
        if (jobName != null) {
            details.put("job", jobName);
        }
        if (status > 0) {
            details.put("http_status", status);
        }
        ErrorCode code;
        String message;
        if (isQuotaExceeded(e)) {
            code = ErrorCode.K8S_QUOTA;
            message = "cannot " + action + ": the namespace's resource quota is exhausted (" + reason + ")";
        } else if (status == FORBIDDEN) {
            code = ErrorCode.INTERNAL;
            message = "cannot " + action + ": the executor's service account is not allowed to (" + reason
                    + "); see deploy/rbac/executor-rbac.yaml";
        } else if (status == 400 || status == 422) {
            code = ErrorCode.AGENT_CRASH;
            message = "cannot " + action + ": the API server rejected it (" + reason + ")";
        } else if (status == 429) {
            code = ErrorCode.API_RATE_LIMIT;
            message = "cannot " + action + ": the API server is throttling requests (" + reason + ")";
        } else if (status >= 500) {
            code = ErrorCode.API_5XX;
            message = "cannot " + action + ": the API server failed (HTTP " + status + ", " + reason + ")";
        } else if (has(e, ConnectException.class)) {
            code = ErrorCode.NETWORK_REFUSED;
            message = "cannot " + action + ": the API server refused the connection (" + reason + ")";
        } else if (has(e, SocketTimeoutException.class) || has(e, HttpTimeoutException.class)
                || has(e, TimeoutException.class) || has(e, IOException.class)) {
            code = ErrorCode.NETWORK_TIMEOUT;
            message = "cannot " + action + ": no answer from the API server (" + reason + ")";
        } else {
            code = ErrorCode.UNEXPECTED;
            message = "cannot " + action + ": " + reason;
        }
        return new GreenLangException(code, message, e, details);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String text, String part) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(part);
    }
}
