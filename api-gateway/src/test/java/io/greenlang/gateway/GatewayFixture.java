package io.greenlang.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.greenlang.audit.AuditStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * A whole {@link Gateway} as a deployment starts it, from GL_* settings pointing at a test class's share of the
 * real broker, PostgreSQL and S3: its own topics (prefixed), audit schema, gateway schema and replication slot.
 */
public final class GatewayFixture {

    private GatewayFixture() {
    }

    /** The class's topic catalogue, with the topics the gateway reads and writes created (one partition each). */
    public static TopicCatalog topics(TestInfra infra) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        for (Topic<?, ?> topic : List.of(catalog.runRequests(), catalog.runCommands(), catalog.runState(),
                catalog.plantState(), catalog.agentHealth(), catalog.adminActions())) {
            infra.createTopic(topic.name().substring(infra.topicPrefix().length()), 1);
        }
        return catalog;
    }

    /** The settings of a gateway over the class's schemas, the shared broker, PostgreSQL and S3. */
    public static GlConfig config(TestInfra infra) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        env.put(GlConfig.POSTGRES_HOST, "127.0.0.1");
        env.put(GlConfig.POSTGRES_PORT, Integer.toString(infra.localStack().postgresPort()));
        env.put(GlConfig.POSTGRES_DATABASE, infra.localStack().databaseName());
        env.put(GlConfig.POSTGRES_USER, infra.postgresUser());
        env.put(GlConfig.POSTGRES_PASSWORD, infra.postgresPassword());
        env.put(GlConfig.AUDIT_SCHEMA, infra.schemaName());
        env.put(GlConfig.GATEWAY_SCHEMA, gatewaySchema(infra));
        env.put(GlConfig.OUTBOX_SLOT_NAME, gatewaySchema(infra));
        env.put(GlConfig.S3_ENDPOINT, infra.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, infra.localStack().s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, infra.localStack().s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, infra.localStack().s3SecretKey());
        env.put(GlConfig.S3_BUCKET, infra.bucket());
        env.put(GlConfig.S3_USE_SSL, "false");
        env.put(GlConfig.LAG_SAMPLE_SECONDS, "1");
        return GlConfig.load(env, Optional.empty());
    }

    /**
     * Migrates the class's audit schema and starts a gateway on free ports.
     *
     * @param infra   the class's infrastructure
     * @param catalog the class's topics ({@link #topics})
     * @return the running gateway
     */
    public static Gateway start(TestInfra infra, TopicCatalog catalog) {
        new AuditStore(infra.dataSource(), infra.schemaName()).migrate();
        return Gateway.start(config(infra), catalog, 0, 0);
    }

    /** Stops the gateway and drops its replication slot, which would otherwise hold WAL for the whole JVM. */
    public static void stop(TestInfra infra, Gateway gateway) throws SQLException {
        if (gateway == null) {
            return;
        }
        gateway.close();
        try (Connection connection = infra.connection();
             PreparedStatement drop = connection.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, gatewaySchema(infra));
            drop.execute();
        }
    }

    private static String gatewaySchema(TestInfra infra) {
        return infra.schemaName() + "_gw";
    }
}
