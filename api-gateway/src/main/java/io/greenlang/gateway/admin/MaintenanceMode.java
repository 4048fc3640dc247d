package io.greenlang.gateway.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import io.greenlang.gateway.GatewayDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's maintenance mode, one row of the gateway's PostgreSQL table {@code maintenance_mode} (migration
 * V4), so every instance and a restart see it. While on, new runs are refused (the submit route asks
 * {@link #on()}); runs already accepted finish. {@link #on()} answers from a copy at most the cache expiry old
 * ({@link #DEFAULT_CACHE_TTL} unless told); a change through this instance is seen at once. When the database
 * cannot be read, {@link #on()} keeps the last known value (logged) rather than failing every submission; with no
 * known value it fails.
 */
public final class MaintenanceMode implements BooleanSupplier {

    /** How stale {@link #on()} may be: a change made on another instance applies within this bound. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceMode.class);

    /**
     * The mode and its last change.
     *
     * @param enabled   whether maintenance mode is on
     * @param reason    why it was last changed, or null
     * @param changedBy who changed it last
     * @param changedAt when
     */
    public record Status(boolean enabled, String reason, String changedBy, Instant changedAt) {
    }

    private record Cached(Status status, long loadedAtNanos) {
    }

    private final DataSource dataSource;
    private final String table;
    private final long ttlNanos;
    private volatile Cached cached;

    /**
     * @param database the gateway's database, migrated
     * @param cacheTtl how long {@link #on()} uses its copy before it reads again
     */
    public MaintenanceMode(GatewayDatabase database, Duration cacheTtl) {
        this.dataSource = database.dataSource();
        this.table = database.table("maintenance_mode");
        this.ttlNanos = cacheTtl.toNanos();
    }

    /** Maintenance mode with {@link #DEFAULT_CACHE_TTL}. */
    public MaintenanceMode(GatewayDatabase database) {
        this(database, DEFAULT_CACHE_TTL);
    }

    /** Whether maintenance mode is on (at most the cache expiry old): new runs must be refused. */
    public boolean on() {
        Cached current = cached;
        if (current == null || System.nanoTime() - current.loadedAtNanos() > ttlNanos) {
            try {
                return status().enabled();
            } catch (RuntimeException e) {
                if (current == null) {
                    throw e;
                }
                LOG.warn("Cannot read maintenance mode; keeping the last known value {}", current.status().enabled(),
                        e);
                return current.status().enabled();
            }
        }
        return current.status().enabled();
    }

    /** {@link #on()}, so the mode can be passed as a {@link BooleanSupplier}. */
    @Override
    public boolean getAsBoolean() {
        return on();
    }

    /** The mode and its last change, read from the database. */
    public Status status() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enabled, reason, changed_by, changed_at FROM " + table);
                ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new IllegalStateException(table + " has no row: run the gateway migrations");
            }
            Status status = status(rows);
            cached = new Cached(status, System.nanoTime());
            return status;
        } catch (SQLException e) {
            throw TenantBlocklist.failure("read maintenance mode", e);
        }
    }

    /**
     * Turns maintenance mode on or off.
     *
     * @param enabled on or off
     * @param reason  why, or null
     * @param actor   who
     * @return the new status
     */
    public Status set(boolean enabled, String reason, String actor) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("UPDATE " + table
                        + " SET enabled = ?, reason = ?, changed_by = ?, changed_at = now()"
                        + " RETURNING enabled, reason, changed_by, changed_at")) {
            statement.setBoolean(1, enabled);
            statement.setString(2, reason);
            statement.setString(3, Objects.requireNonNull(actor, "actor"));
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException(table + " has no row: run the gateway migrations");
                }
                Status status = status(rows);
                cached = new Cached(status, System.nanoTime());
                LOG.info("Maintenance mode {} by {}: {}", enabled ? "ON" : "OFF", actor, reason);
                return status;
            }
        } catch (SQLException e) {
            throw TenantBlocklist.failure("set maintenance mode", e);
        }
    }

    private static Status status(ResultSet rows) throws SQLException {
        return new Status(rows.getBoolean(1), rows.getString(2), rows.getString(3), rows.getTimestamp(4).toInstant());
    }
}
