package io.greenlang.gateway.submit;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium engine offsets kept in a PostgreSQL table of the gateway's schema ({@code outbox_offsets}, created by
 * migration V2), so the gateway itself stays stateless and a restarted engine resumes after its last committed
 * batch. Debezium instantiates the class by name ({@code offset.storage}); it connects with the connector's own
 * {@code database.*} settings and writes to the table named by {@value #TABLE_CONFIG}.
 *
 * <p>Every {@code set} upserts the whole map in one transaction (the map holds one entry per connector, a few
 * hundred bytes); reads are served from memory after {@link #start()} loaded the table.
 */
public final class PostgresOffsetBackingStore extends MemoryOffsetBackingStore {

    /** Configuration key: {@code schema.table} of the offsets table. */
    public static final String TABLE_CONFIG = "offset.storage.gl.table";
    private static final Pattern QUALIFIED = Pattern.compile("[a-z_][a-z0-9_]{0,62}\\.[a-z_][a-z0-9_]{0,62}");

    private String url;
    private Properties credentials;
    private String table;
    private Connection connection; // used on the store's single executor thread only


    /** Instantiated by the Debezium engine. */
    public PostgresOffsetBackingStore() {
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, Object> originals = config.originals();
        table = String.valueOf(Objects.requireNonNull(originals.get(TABLE_CONFIG), TABLE_CONFIG));
        if (!QUALIFIED.matcher(table).matches()) {
            throw new ConnectException(TABLE_CONFIG + " must be schema.table of plain identifiers: " + table);
        }
        url = "jdbc:postgresql://" + originals.get("database.hostname") + ":" + originals.get("database.port") + "/"
                + originals.get("database.dbname");
        credentials = new Properties();
        credentials.setProperty("user", String.valueOf(originals.get("database.user")));
        Object password = originals.get("database.password");
        if (password != null) {
            credentials.setProperty("password", String.valueOf(password));
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        Map<ByteBuffer, ByteBuffer> loaded = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url, credentials);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT offset_key, offset_value FROM " + table);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                byte[] value = rows.getBytes(2);
                loaded.put(ByteBuffer.wrap(rows.getBytes(1)), value == null ? null : ByteBuffer.wrap(value));
            }
        } catch (SQLException e) {
            throw new ConnectException("Cannot read the outbox offsets from " + table, e);
        }
        data.putAll(loaded);
    }

    @Override
    protected void save() {
        // called on the store's single executor thread after data was updated; one connection kept open, opened
        // again after a failure
        try {
            Connection connection = connection();
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " (offset_key, offset_value, updated_at) VALUES (?, ?, now()) ON CONFLICT (offset_key)"
                    + " DO UPDATE SET offset_value = EXCLUDED.offset_value, updated_at = now()")) {
                for (Map.Entry<ByteBuffer, ByteBuffer> entry : data.entrySet()) {
                    upsert.setBytes(1, bytes(entry.getKey()));
                    upsert.setBytes(2, entry.getValue() == null ? null : bytes(entry.getValue()));
                    upsert.addBatch();
                }
                upsert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                closeConnection();
                throw e;
            }
        } catch (SQLException e) {
            throw new ConnectException("Cannot write the outbox offsets to " + table, e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, credentials);
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public synchronized void stop() {
        super.stop(); // drains the executor, so no save runs after this
        closeConnection();
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of(); // only Connect's REST offsets API asks; the embedded engine does not
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] result = new byte[copy.remaining()];
        copy.get(result);
        return result;
    }
}
