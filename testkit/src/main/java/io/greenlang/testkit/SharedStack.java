package io.greenlang.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.localstack.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one {@link LocalStack} of a test JVM with the clients every test class shares (admin client, S3
 * client), and the registry of per-class name tokens. Closed by JUnit when the JVM's tests end: clients,
 * then servers, then the data directory is deleted (kept when {@value #KEEP_DATA_PROPERTY} is {@code true}).
 */
final class SharedStack implements AutoCloseable {

    /** System property: {@code true} keeps the data directory after the tests, to look at it. */
    static final String KEEP_DATA_PROPERTY = "greenlang.testkit.keepData";

    private static final Logger LOG = LoggerFactory.getLogger(SharedStack.class);
    private static final AtomicInteger STARTS = new AtomicInteger();

    private final LocalStack stack;
    private final ConcurrentMap<String, String> classNameByToken = new ConcurrentHashMap<>();
    private Admin admin;
    private S3Client s3;

    private SharedStack(LocalStack stack) {
        this.stack = stack;
    }

    /** Starts the servers on a new data directory under {@code target/} (or the temp directory outside Maven). */
    static SharedStack start() {
        Path dataDirectory = newDataDirectory();
        long startNanos = System.nanoTime();
        LocalStack stack = LocalStack.builder(dataDirectory).build().start();
        STARTS.incrementAndGet();
        LOG.info("Test servers started in {} ms for this JVM: {}", (System.nanoTime() - startNanos) / 1_000_000, stack);
        return new SharedStack(stack);
    }

    static int starts() {
        return STARTS.get();
    }

    private static Path newDataDirectory() {
        try {
            Path target = Path.of("target");
            return Files.isDirectory(target)
                    ? Files.createTempDirectory(target.toAbsolutePath(), "gl-test-data-")
                    : Files.createTempDirectory("gl-test-data-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory for the test servers", e);
        }
    }

    LocalStack stack() {
        return stack;
    }

    /**
     * The name token of {@code testClass}: {@code t} and 8 hex digits of a hash of the class name, stable
     * across runs, distinct for every class of this JVM. Valid as a topic prefix, SQL identifier and bucket name.
     */
    String tokenFor(Class<?> testClass) {
        String className = testClass.getName();
        for (int attempt = 0; ; attempt++) {
            String token = token(className, attempt);
            String owner = classNameByToken.putIfAbsent(token, className);
            if (owner == null || owner.equals(className)) {
                return token;
            }
        }
    }

    static String token(String className, int attempt) {
        try {
            String input = attempt == 0 ? className : className + "#" + attempt;
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return "t" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
        }
        return admin;
    }

    synchronized S3Client s3() {
        if (s3 == null) {
            s3 = S3Client.builder()
                    .endpointOverride(stack.s3Endpoint())
                    .region(Region.of(stack.s3Region()))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
                    .forcePathStyle(true)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        return s3;
    }

    /** Closes the shared clients, stops the servers and deletes the data directory; every step runs. */
    @Override
    public synchronized void close() {
        List<Exception> failures = new ArrayList<>();
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                failures.add(e);
            }
            admin = null;
        }
        if (s3 != null) {
            try {
                s3.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
            s3 = null;
        }
        try {
            stack.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (failures.isEmpty()) {
            deleteDataDirectory();
        } else {
            IllegalStateException failure = new IllegalStateException(
                    "Test servers did not stop cleanly; data kept in " + stack.dataDirectory(), failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private void deleteDataDirectory() {
        Path dataDirectory = stack.dataDirectory();
        if (Boolean.getBoolean(KEEP_DATA_PROPERTY)) {
            LOG.info("Kept the test servers' data in {} ({}=true)", dataDirectory, KEEP_DATA_PROPERTY);
            return;
        }
        try {
            LocalStack.deleteRecursively(dataDirectory);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the test servers' data directory {}; mvn clean removes it", dataDirectory, e);
        }
    }
}
