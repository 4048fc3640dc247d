package io.greenlang.gateway.submit;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.common.config.GlConfig;

/**
 * Where submitted runs live and how the outbox engine reaches PostgreSQL.
 *
 * @param schema       the gateway's schema ({@code GL_GATEWAY_SCHEMA}), migrated to V2 or later
 * @param slotName     replication slot and publication of the outbox engine ({@code GL_OUTBOX_SLOT_NAME})
 * @param pollInterval how often the engine polls for changes ({@code GL_OUTBOX_POLL_INTERVAL_MS})
 * @param host         PostgreSQL host for the replication connection
 * @param port         its port
 * @param database     the database holding {@code schema}
 * @param user         a user with REPLICATION (or superuser) and rights on {@code schema}
 * @param password     its password, empty for trust authentication
 * @param serviceName  {@code meta.producer.service} of the events written
 */
public record SubmitSettings(String schema, String slotName, Duration pollInterval, String host, int port,
        String database, String user, String password, String serviceName) {

    private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";

    /** Validates the components. */
    public SubmitSettings {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(slotName, "slotName");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        Objects.requireNonNull(serviceName, "serviceName");
        if (!schema.matches(IDENTIFIER) || !slotName.matches(IDENTIFIER)) {
            throw new IllegalArgumentException("schema and slot name must be plain SQL identifiers: " + schema
                    + ", " + slotName);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The settings of a deployment: {@code GL_GATEWAY_SCHEMA}, {@code GL_OUTBOX_*} and {@code GL_POSTGRES_*}. */
    public static SubmitSettings fromConfig(GlConfig config) {
        return new SubmitSettings(config.gatewaySchema(), config.outboxSlotName(), config.outboxPollInterval(),
                config.postgresHost(), config.postgresPort(), config.postgresDatabase(), config.postgresUser(),
                config.postgresPassword().map(p -> p.value()).orElse(""), config.serviceName());
    }
}
