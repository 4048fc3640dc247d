package io.greenlang.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.greenlang.localstack.LocalStack;
import io.greenlang.topics.ApplyReport;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The platform on the embedded local stack, as {@code gl local up} and {@code gl demo} run it: starts the
 * servers, applies the topic catalog, and says what it is doing at each step. Closing it stops everything.
 */
final class LocalPlatform implements AutoCloseable {

    private final LocalStack stack;
    private final PrintWriter out;

    private LocalPlatform(LocalStack stack, PrintWriter out) {
        this.stack = stack;
        this.out = out;
    }

    /** Starts the stack described by {@code builder} and applies the catalog, printing progress to {@code out}. */
    static LocalPlatform start(LocalStack.Builder builder, Path dataDirectory, PrintWriter out) {
        long t0 = System.nanoTime();
        step(out, "Starting Kafka (KRaft), PostgreSQL and S3 with data under " + dataDirectory + " ...");
        LocalStack stack = builder.build().start();
        done(out, t0);
        LocalPlatform platform = new LocalPlatform(stack, out);
        try {
            long t1 = System.nanoTime();
            step(out, "Applying the topic catalog (" + TopicCatalog.standard().all().size() + " topics) ...");
            ApplyReport report = platform.applyTopics();
            out.println(report.noChange() ? "  topics already up to date" : "  " + report.applied().size()
                    + " change(s) applied");
            done(out, t1);
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    private ApplyReport applyTopics() {
        try (Admin admin = Admin.create(adminProperties())) {
            return new TopicAdmin(admin, Duration.ofSeconds(60)).apply(TopicCatalog.standard().all());
        }
    }

    Map<String, Object> adminProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    }

    LocalStack stack() {
        return stack;
    }

    /** Prints the endpoints and credentials for outside clients. */
    void printEndpoints() {
        out.println();
        out.printf("  %-24s %s%n", "Kafka bootstrap servers", stack.kafkaBootstrapServers());
        out.printf("  %-24s %s  (user %s, password %s)%n", "PostgreSQL JDBC URL", stack.jdbcUrl(),
                stack.postgresUser(), stack.postgresPassword());
        out.printf("  %-24s postgresql://%s:%s@127.0.0.1:%d/%s%n", "PostgreSQL (psql)", stack.postgresUser(),
                stack.postgresPassword(), stack.postgresPort(), stack.databaseName());
        out.printf("  %-24s %s  bucket %s  region %s%n", "S3 endpoint", stack.s3Endpoint(), stack.bucketName(),
                stack.s3Region());
        out.printf("  %-24s access key %s  secret key %s%n", "S3 credentials", stack.s3AccessKey(),
                stack.s3SecretKey());
        out.println();
        out.println("  Try:");
        out.printf("    kcat -b %s -L%n", stack.kafkaBootstrapServers());
        out.printf("    psql postgresql://%s:%s@127.0.0.1:%d/%s -c 'select version()'%n", stack.postgresUser(),
                stack.postgresPassword(), stack.postgresPort(), stack.databaseName());
        out.printf("    AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s aws --endpoint-url %s s3 ls s3://%s%n",
                stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Region(), stack.s3Endpoint(), stack.bucketName());
        out.printf("    export GL_KAFKA_BOOTSTRAP_SERVERS=%s; ./gl topics diff%n", stack.kafkaBootstrapServers());
        out.flush();
    }

    static void step(PrintWriter out, String what) {
        out.println("==> " + what);
        out.flush();
    }

    static void done(PrintWriter out, long startNanos) {
        out.printf("    done in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
        out.flush();
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        step(out, "Stopping the local stack ...");
        stack.close();
        done(out, t0);
    }
}
