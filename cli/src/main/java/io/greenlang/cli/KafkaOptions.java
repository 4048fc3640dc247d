package io.greenlang.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import picocli.CommandLine.Option;

import io.greenlang.common.config.GlConfig;

/**
 * Options shared by the commands that talk to a Kafka cluster: where it is, and the platform configuration
 * (GL_* environment variables, optionally overridden by a properties file) that carries client settings.
 */
final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: GL_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file whose GL_* keys override the environment.")
    Path configFile;

    /** The platform configuration from the environment and the optional file. */
    GlConfig config() {
        return GlConfig.load(System.getenv(), Optional.ofNullable(configFile));
    }

    /** Kafka client properties: the configuration's, with --bootstrap-servers taking precedence. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(config().kafkaClientProperties());
        if (bootstrapServers != null) {
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    /** A new admin client; the caller closes it. */
    Admin admin() {
        return Admin.create(clientProperties());
    }
}
