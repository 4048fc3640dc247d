package io.greenlang.gateway;

import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * The gateway's own tables in PostgreSQL ({@code GL_GATEWAY_SCHEMA}): submitted runs and their idempotency keys,
 * the transactional outbox, API keys (hashed), the tenant blocklist and maintenance mode. Managed by the Flyway
 * migrations under {@value #MIGRATIONS}; the audit store has its own schema and migrations.
 *
 * @param dataSource connections to the database
 * @param schema     the schema, a plain SQL identifier (validated by the configuration)
 */
public record GatewayDatabase(DataSource dataSource, String schema) {

    /** Classpath location of the gateway's migrations. */
    public static final String MIGRATIONS = "classpath:db/gateway";
    /** Flyway's history table in the gateway's schema. */
    public static final String HISTORY_TABLE = "gateway_schema_history";

    /** Validates the components. */
    public GatewayDatabase {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(schema, "schema");
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + schema);
        }
    }

    /** Creates or upgrades the gateway's tables (creating the schema if needed); needs DDL rights. */
    public GatewayDatabase migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .table(HISTORY_TABLE)
                .locations(MIGRATIONS)
                .placeholders(Map.of("schema", schema))
                .load()
                .migrate();
        return this;
    }

    /** {@code schema.table}, for SQL text (the schema is a validated identifier, never user input). */
    public String table(String table) {
        return schema + "." + table;
    }
}
