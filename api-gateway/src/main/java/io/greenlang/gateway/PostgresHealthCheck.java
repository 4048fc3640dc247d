package io.greenlang.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;

import javax.sql.DataSource;

import io.greenlang.common.http.HealthCheck;

/**
 * Readiness of the audit store's database: a connection can be opened, and the store's tables exist in its
 * schema (a gateway pointed at an unmigrated schema would answer every read with a 500). The detail names the
 * server version and schema, never the URL or user. Read-only; one short query per probe.
 */
public final class PostgresHealthCheck implements HealthCheck {

    /** The check's name in the readiness body. */
    public static final String NAME = "postgresql";

    private final DataSource dataSource;
    private final String schema;

    /**
     * @param dataSource the audit store's connections
     * @param schema     the audit store's schema
     */
    public PostgresHealthCheck(DataSource dataSource, String schema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            select.setQueryTimeout(2);
            select.setString(1, schema + ".audit_events");
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                String version = connection.getMetaData().getDatabaseProductVersion();
                return rows.getBoolean(1)
                        ? Result.up("PostgreSQL " + version + ", audit schema " + schema)
                        : Result.down("PostgreSQL " + version + " reachable, but the audit schema " + schema
                                + " has no audit_events table (not migrated?)");
            }
        }
    }
}
