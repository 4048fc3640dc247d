package io.greenlang.gateway;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import io.greenlang.common.config.GlConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API gateway service: {@code ApiGatewayMain}, no arguments. Reads its settings from the {@code GL_*}
 * environment ({@code docs/config.md}: GL_KAFKA_*, GL_POSTGRES_* or GL_AUDIT_DB_URL, GL_AUDIT_SCHEMA,
 * GL_GATEWAY_SCHEMA, GL_S3_*, GL_OIDC_*) and runs the {@link Gateway}: the REST API with {@code /health/live} and
 * {@code /health/ready} on {@code GL_HEALTH_PORT} (the runbook's 8080) and {@code /metrics} on
 * {@code GL_METRICS_PORT} (9090), until SIGTERM. Exits with 2 on an argument.
 */
public final class ApiGatewayMain {

    private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayMain.class);

    private ApiGatewayMain() {
    }

    /**
     * Runs the gateway until SIGTERM.
     *
     * @param args none
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 0) {
            LOG.error("Unexpected arguments {}. Usage: ApiGatewayMain (settings come from GL_* variables)",
                    List.of(args));
            System.exit(2);
            return;
        }
        GlConfig config = GlConfig.load(System.getenv(), Optional.empty());
        Gateway server = Gateway.start(config, config.healthPort(), config.metricsPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("API gateway stopping");
            server.close();
            stopped.countDown();
        }, "api-gateway-shutdown"));
        LOG.info("API gateway started on port {}, /metrics on port {} (audit schema {}, gateway schema {})",
                server.port(), server.metricsPort(), config.auditSchema(), config.gatewaySchema());
        stopped.await();
    }
}
