package io.greenlang.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17 run from zonky's embedded binaries with a persistent data directory, configured for
 * logical decoding (Debezium): {@code wal_level=logical}, replication slots and WAL senders, and
 * {@code synchronous_commit=on}.
 *
 * <p>initdb runs only when the data directory has no {@code postgresql.conf}. The binaries are unpacked once
 * into a cache directory outside the data directory (shared by every stack on the machine). Authentication
 * is {@code trust} for the superuser {@code postgres}: loopback only, never for shared machines.
 */
final class PostgresNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresNode.class);

    static final String SUPERUSER = "postgres";
    private static final String HOST = "127.0.0.1";

    private final EmbeddedPostgres postgres;
    private final String database;

    private PostgresNode(EmbeddedPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    static PostgresNode start(Path dataDirectory, Path binaryCache, int port, String database, Duration timeout)
            throws IOException, SQLException {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(binaryCache);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaryCache.toFile())
                .setPort(port)
                .setPGStartupWait(timeout)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("synchronous_commit", "on")
                .start();
        PostgresNode node = new PostgresNode(postgres, database);
        try {
            node.createDatabaseIfMissing();
        } catch (SQLException | RuntimeException e) {
            try {
                node.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return node;
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, database);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (!exists) {
                try (Statement create = connection.createStatement()) {
                    // The name is validated as a plain lower-case identifier by the builder.
                    create.execute("CREATE DATABASE \"" + database + "\"");
                }
                LOG.info("Created database {}", database);
            }
        }
    }

    int port() {
        return postgres.getPort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + postgres.getPort() + "/" + database;
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and releases the data directory. */
    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
