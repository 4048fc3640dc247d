package io.greenlang.localstack;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KRaft node that is both broker and controller, run by Kafka's own production entry point
 * ({@link KafkaRaftServer}), with its log and metadata under one directory.
 *
 * <p>The storage is formatted (cluster id, latest production metadata version and feature levels) only when
 * {@code meta.properties} is absent, so topics and offsets survive restarts. The quorum is static
 * ({@code controller.quorum.voters}, kraft.version 0): the controller address is configuration, not
 * metadata, so a restart on other ports works.
 */
final class KafkaNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNode.class);

    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private KafkaNode(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats the directory if needed, starts the node and returns once a client can describe the cluster. */
    static KafkaNode start(Path logDirectory, int brokerPort, int controllerPort, Duration timeout) throws Exception {
        Files.createDirectories(logDirectory);
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            format(logDirectory);
        }
        Properties config = config(logDirectory, brokerPort, controllerPort);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        KafkaNode node = new KafkaNode(server, HOST + ":" + brokerPort);
        try {
            server.startup();
            node.awaitReady(timeout);
        } catch (Exception | Error e) {
            try {
                node.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return node;
    }

    private static void format(Path logDirectory) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String clusterId = Uuid.randomUuid().toString();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDirectory.toString()))
                    .setMetadataLogDirectory(logDirectory.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        }
        LOG.info("Formatted Kafka storage {} (cluster id {}, metadata version {})", logDirectory, clusterId,
                MetadataVersion.latestProduction());
        LOG.debug("Kafka storage formatter said: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    static Properties config(Path logDirectory, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDirectory.toString());
        p.put("metadata.log.dir", logDirectory.toString());
        // One node: every internal topic has one replica, or consumer groups and transactions never work.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics come from the catalog, never from a typo in a client.
        p.put("auto.create.topics.enable", "false");
        // The default 128 MiB dedupe buffer is heap the local stack does not need.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return p;
    }

    private void awaitReady(Duration timeout) {
        Exception[] last = new Exception[1];
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            Polling.awaitCondition("Kafka at " + bootstrapServers + " to answer describeCluster", timeout, () -> {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes().get(3, TimeUnit.SECONDS);
                    return !nodes.isEmpty();
                } catch (ExecutionException | TimeoutException e) {
                    last[0] = e;
                    LOG.debug("Kafka at {} not ready yet: {}", bootstrapServers, e.toString());
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("Interrupted while waiting for Kafka at " + bootstrapServers, e);
                }
            });
        } catch (LocalStackException e) {
            if (last[0] != null) {
                e.addSuppressed(last[0]);
            }
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Shuts the node down (controlled shutdown of the broker, then the controller) and waits for it. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
