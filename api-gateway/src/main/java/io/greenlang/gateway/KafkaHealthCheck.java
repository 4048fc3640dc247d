package io.greenlang.gateway;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.greenlang.common.http.HealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

/**
 * Readiness of the Kafka cluster: the brokers answer a metadata request within the probe's time. The detail
 * names the cluster id and how many brokers are up, never credentials.
 */
public final class KafkaHealthCheck implements HealthCheck {

    /** The check's name in the readiness body. */
    public static final String NAME = "kafka";
    private static final int TIMEOUT_MS = 1_500;

    private final Admin admin;

    /** @param admin a client of the cluster, owned by the caller */
    public KafkaHealthCheck(Admin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
        Collection<Node> nodes = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        String clusterId = cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return nodes.isEmpty() ? Result.down("Kafka cluster " + clusterId + " reports no brokers")
                : Result.up("Kafka cluster " + clusterId + ", " + nodes.size() + " broker(s)");
    }
}
