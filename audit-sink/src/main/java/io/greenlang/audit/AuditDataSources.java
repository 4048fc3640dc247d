package io.greenlang.audit;

import java.util.Objects;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PostgresConnection;

/**
 * Connections to the audit store from the platform configuration ({@code GL_AUDIT_DB_URL} or
 * {@code GL_POSTGRES_*}), for the sink service and for the tools that read the store ({@code gl audit},
 * {@code gl replay}). One connection per use, no pool: the callers hold few connections for long.
 */
public final class AuditDataSources {

    private AuditDataSources() {
    }

    /**
     * A data source for the configured audit database.
     *
     * @param config the platform configuration
     * @return a data source that opens a new connection per {@code getConnection()}
     */
    public static DataSource fromConfig(GlConfig config) {
        return of(config.postgresConnection());
    }

    /**
     * A data source for a resolved connection.
     *
     * @param connection URL, user and password
     * @return a data source that opens a new connection per {@code getConnection()}
     */
    public static DataSource of(PostgresConnection connection) {
        Objects.requireNonNull(connection, "connection");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(connection.jdbcUrl());
        dataSource.setUser(connection.user());
        dataSource.setPassword(connection.password().value());
        dataSource.setApplicationName("greenlang-audit");
        return dataSource;
    }
}
