package io.greenlang.gateway.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.GatewayDatabase;

/**
 * Tenants whose requests the gateway refuses, in the gateway's PostgreSQL table {@code tenant_blocklist}
 * (migration V4) so every instance and a restart see the same list. {@link #blocked(String)}, which the
 * {@link BlocklistGuard} calls on every request, answers from an in-memory copy of the whole table, reloaded when
 * older than the cache expiry ({@link #DEFAULT_CACHE_TTL} unless told): a change made through this instance is
 * seen at once (the copy is dropped), a change made through another instance within that bound. The admin routes'
 * reads ({@link #entries()}, {@link #entry(String)}) always go to the database. The table is small (tenants under
 * incident), so the copy holds all of it.
 */
public final class TenantBlocklist {

    /** How stale the guard's copy may be: a block made on another instance applies within this bound. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(5);

    /**
     * One blocked tenant.
     *
     * @param tenant    the tenant
     * @param reason    why it is blocked
     * @param blockedBy who blocked it
     * @param blockedAt when
     */
    public record Entry(String tenant, String reason, String blockedBy, Instant blockedAt) {
    }

    private record Snapshot(Map<String, Entry> entries, long loadedAtNanos) {
    }

    private final DataSource dataSource;
    private final String table;
    private final long ttlNanos;
    private volatile Snapshot snapshot;

    /**
     * @param database the gateway's database, migrated
     * @param cacheTtl how long the guard's copy is used before it is reloaded
     */
    public TenantBlocklist(GatewayDatabase database, Duration cacheTtl) {
        this.dataSource = database.dataSource();
        this.table = database.table("tenant_blocklist");
        this.ttlNanos = cacheTtl.toNanos();
    }

    /** A blocklist with {@link #DEFAULT_CACHE_TTL}. */
    public TenantBlocklist(GatewayDatabase database) {
        this(database, DEFAULT_CACHE_TTL);
    }

    /** The guard refusing blocklisted tenants' requests, for {@code ApiServer.builder().guard(...)}. */
    public BlocklistGuard guard() {
        return new BlocklistGuard(this);
    }

    /**
     * Whether a tenant is blocked, from the cached copy (at most the cache expiry old).
     *
     * @param tenant the tenant
     * @return its entry when blocked
     */
    public Optional<Entry> blocked(String tenant) {
        Snapshot current = snapshot;
        if (current == null || System.nanoTime() - current.loadedAtNanos() > ttlNanos) {
            Map<String, Entry> all = new HashMap<>();
            entries().forEach(entry -> all.put(entry.tenant(), entry));
            current = new Snapshot(Map.copyOf(all), System.nanoTime());
            snapshot = current;
        }
        return Optional.ofNullable(current.entries().get(tenant));
    }

    /**
     * Blocks a tenant, or replaces the reason of an existing block.
     *
     * @param tenant the tenant
     * @param reason why
     * @param actor  who blocks
     * @return the entry as stored
     */
    public Entry block(String tenant, String reason, String actor) {
        Objects.requireNonNull(tenant, "tenant");
        String sql = "INSERT INTO " + table + " (tenant_id, reason, blocked_by) VALUES (?, ?, ?)"
                + " ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason, blocked_by = EXCLUDED.blocked_by,"
                + " blocked_at = now() RETURNING tenant_id, reason, blocked_by, blocked_at";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, tenant);
            statement.setString(2, Objects.requireNonNull(reason, "reason"));
            statement.setString(3, Objects.requireNonNull(actor, "actor"));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return entry(rows);
            }
        } catch (SQLException e) {
            throw failure("block tenant " + tenant, e);
        } finally {
            snapshot = null;
        }
    }

    /**
     * Lifts a tenant's block.
     *
     * @param tenant the tenant
     * @return whether it was blocked
     */
    public boolean unblock(String tenant) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE tenant_id = ?")) {
            statement.setString(1, tenant);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failure("unblock tenant " + tenant, e);
        } finally {
            snapshot = null;
        }
    }

    /** One tenant's entry, read from the database. */
    public Optional<Entry> entry(String tenant) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT tenant_id, reason, blocked_by, blocked_at FROM " + table + " WHERE tenant_id = ?")) {
            statement.setString(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read the blocklist entry of " + tenant, e);
        }
    }

    /** Every blocked tenant, by tenant, read from the database. */
    public List<Entry> entries() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT tenant_id, reason, blocked_by, blocked_at FROM " + table + " ORDER BY tenant_id");
                ResultSet rows = statement.executeQuery()) {
            List<Entry> entries = new ArrayList<>();
            while (rows.next()) {
                entries.add(entry(rows));
            }
            return entries;
        } catch (SQLException e) {
            throw failure("read the tenant blocklist", e);
        }
    }

    private static Entry entry(ResultSet rows) throws SQLException {
        return new Entry(rows.getString(1), rows.getString(2), rows.getString(3),
                rows.getTimestamp(4).toInstant());
    }

    static GreenLangException failure(String what, SQLException e) {
        return new GreenLangException(ErrorCode.DB_CONNECTION, "Cannot " + what + ": " + e.getMessage(), e,
                Map.of("sql_state", String.valueOf(e.getSQLState())));
    }
}
