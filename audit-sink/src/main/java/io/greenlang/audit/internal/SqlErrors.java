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
