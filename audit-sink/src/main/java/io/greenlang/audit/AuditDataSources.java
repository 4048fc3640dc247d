package io.greenlang.audit;

import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PostgresConnection;

/**
 * Connections to the audit store from the platform configuration ({@code GL_AUDIT_DB_URL} or
 * {@code GL_POSTGRES_*}), for the sink service and for the tools that read the store ({@code gl audit},
 * {@code gl replay}): one connection per use for callers that hold few connections for long, and a pool
 * ({@link #pooled}) for the API gateway, which needs one per request.
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

    /**
     * A connection pool (HikariCP) for a long-running service that opens connections per request, sized by
     * {@code GL_POSTGRES_POOL_SIZE} (kept) plus {@code GL_POSTGRES_MAX_OVERFLOW} (opened under load).
     *
     * @param connection  URL, user, password and pool sizes
     * @param application the {@code application_name} the connections show in {@code pg_stat_activity}
     * @return the pool; close it on shutdown
     */
    public static HikariDataSource pooled(PostgresConnection connection, String application) {
        Objects.requireNonNull(connection, "connection");
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(connection.jdbcUrl());
        pool.setUsername(connection.user());
        pool.setPassword(connection.password().value());
        pool.setMinimumIdle(connection.poolSize());
        pool.setMaximumPoolSize(connection.maxConnections());
        pool.setPoolName(application);
        pool.addDataSourceProperty("ApplicationName", application);
        // fail fast at start when the database is unreachable, like the unpooled data source's first query
        pool.setInitializationFailTimeout(10_000);
        return new HikariDataSource(pool);
    }
}
