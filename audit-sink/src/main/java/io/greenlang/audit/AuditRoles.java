package io.greenlang.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.greenlang.audit.internal.SqlErrors;

/**
 * Creates the login role the audit sink runs as: INSERT and SELECT on {@code audit_events} (no UPDATE, DELETE or
 * TRUNCATE), SELECT, INSERT and UPDATE on {@code audit_chain_heads} and on the run projections
 * ({@code audit_runs}, {@code audit_steps}, which the sink maintains while appending), USAGE on the schema and
 * nothing else. Run it
 * once per environment as a role that may create roles (a superuser or CREATEROLE), after
 * {@link AuditStore#migrate()}. Must never grant the sink more than that: append-only is enforced by privileges
 * as well as by the trigger.
 */
public final class AuditRoles {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Tables the sink updates in place: chain heads and the run projections (never audit_events). */
    private static final List<String> UPDATABLE_TABLES = List.of("audit_chain_heads", "audit_runs", "audit_steps");

    private AuditRoles() {
    }

    /**
     * Creates the role if it does not exist (setting its password either way) and grants it exactly the sink's
     * privileges on the store in {@code schema}.
     *
     * @param admin    connections of a role that may create roles and owns the store's tables
     * @param schema   the store's schema
     * @param role     the role to create, lower-case letters, digits and underscores
     * @param password its password
     */
    public static void createSinkRole(DataSource admin, String schema, String role, String password) {
        requireIdentifier("schema", schema);
        requireIdentifier("role", role);
        Objects.requireNonNull(password, "password");
        try (Connection connection = admin.getConnection()) {
            connection.setAutoCommit(false);
            boolean exists;
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                select.setString(1, role);
                try (ResultSet rows = select.executeQuery()) {
                    exists = rows.next();
                }
            }
            try (Statement statement = connection.createStatement()) {
                // DDL takes no bind parameters: the identifiers are validated above, the password is a literal.
                statement.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN PASSWORD "
                        + literal(password));
                statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
                statement.execute("GRANT SELECT, INSERT ON " + schema + ".audit_events TO " + role);
                for (String table : UPDATABLE_TABLES) {
                    statement.execute("GRANT SELECT, INSERT, UPDATE ON " + schema + "." + table + " TO " + role);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw SqlErrors.translate("create audit sink role " + role, e);
        }
    }

    private static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("password must not contain NUL");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    private static void requireIdentifier(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER + ", was: '" + value + "'");
        }
    }
}
