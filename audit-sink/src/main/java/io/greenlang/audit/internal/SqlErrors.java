package io.greenlang.audit.internal;

import java.sql.SQLException;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * The audit store's one place that turns a {@link SQLException} into a {@link GreenLangException}: the SQLState
 * decides the code, and with it whether the caller may retry. Must never look at the message.
 */
public final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * @param what  what was being done, e.g. "append 12 audit records"
     * @param cause the failure
     * @return the exception to throw
     */
    public static GreenLangException translate(String what, SQLException cause) {
        return new GreenLangException(codeFor(cause.getSQLState()), "Cannot " + what + ": " + cause.getMessage(), cause);
    }

    /**
     * Whether a failure (or one of its causes) is PostgreSQL refusing the credentials (SQLState class 28): a
     * retry cannot succeed until an operator fixes the configuration.
     *
     * @param failure the failure
     * @return true for an authentication or authorization-specification failure
     */
    public static boolean isAuthenticationFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    static ErrorCode codeFor(String sqlState) {
        if (sqlState == null) {
            return ErrorCode.DB_CONNECTION;
        }
        if (sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P")) {
            return ErrorCode.DB_CONNECTION; // connection lost, server out of resources or shutting down
        }
        return switch (sqlState) {
            case "57014", "55P03", "40001", "40P01" -> ErrorCode.DB_TIMEOUT; // cancelled, lock, serialization, deadlock
            default -> ErrorCode.INTERNAL;
        };
    }
}
