package io.greenlang.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * What a {@link LocalStack} remembers about its data directory between starts, in
 * {@code <dataDirectory>/local-stack.properties}: the ports chosen on the previous start (reused when free,
 * so URLs stay the same across restarts) and the generated S3 secret key. Readable by the owner only.
 */
final class StackState {

    static final String FILE_NAME = "local-stack.properties";

    static final String KAFKA_PORT = "kafka.port";
    static final String KAFKA_CONTROLLER_PORT = "kafka.controller.port";
    static final String POSTGRES_PORT = "postgres.port";
    static final String S3_PORT = "s3.port";
    static final String S3_SECRET_KEY = "s3.secret-key";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties properties;

    private StackState(Path file, Properties properties) {
        this.file = file;
        this.properties = properties;
    }

    static StackState load(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return new StackState(file, properties);
    }

    /** The remembered port for {@code key}, or {@code 0} when none is remembered. */
    int port(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new LocalStackException(file + ": " + key + " is not a port number: " + value, e);
        }
    }

    void port(String key, int port) {
        properties.setProperty(key, Integer.toString(port));
    }

    /** The S3 secret key generated on the first start, generating it now if there is none yet. */
    String s3SecretKey() {
        String secret = properties.getProperty(S3_SECRET_KEY);
        if (secret == null || secret.isBlank()) {
            byte[] bytes = new byte[30];
            RANDOM.nextBytes(bytes);
            secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            properties.setProperty(S3_SECRET_KEY, secret);
        }
        return secret;
    }

    /** Writes the file atomically (write a sibling, then rename over). */
    void save() {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                properties.store(writer, "GreenLang local stack: ports of the last start and generated credentials");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
