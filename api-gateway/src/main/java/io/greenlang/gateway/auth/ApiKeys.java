package io.greenlang.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API key store in the gateway's schema (table {@code api_keys}, migration V3). A key reads
 * {@code glk_<id>_<secret>}: a 16-hex-digit id and 32 random bytes in base64url. Only {@code sha256(secret)} is
 * stored; the plaintext is returned once, by {@link #create}, and can never be read back.
 *
 * <p>Lookups by key id are cached for {@link #CACHE_TTL} so that a request is not a database round trip: a key
 * revoked through this instance stops working at once, one revoked through another gateway instance (or in SQL)
 * within {@link #CACHE_TTL}. Secrets are compared in constant time. Every value reaches SQL as a bound parameter.
 */
public final class ApiKeys {

    /** Prefix of every key, so that leaked keys are recognisable by secret scanners. */
    public static final String PREFIX = "glk_";
    /** How long a looked-up key is trusted without reading it again: the bound on revocation across instances. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);
    /** Name of the bootstrap admin key. */
    public static final String BOOTSTRAP_NAME = "bootstrap admin";
    /** Longest tenant accepted. */
    public static final int MAX_TENANT_LENGTH = 256;
    /** Longest key name accepted. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final Pattern FORMAT = Pattern.compile("glk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final String COLUMNS = "key_id, secret_sha256, tenant_id, roles, name, created_at, revoked_at,"
            + " last_used_at";

    private final GatewayDatabase database;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Optional<Stored>> byId = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_TTL).maximumSize(10_000).build();
    private final Cache<String, Boolean> recentlyUsed = Caffeine.newBuilder()
            .expireAfterWrite(LAST_USED_RESOLUTION).maximumSize(10_000).build();

    /**
     * @param database the gateway's database, migrated ({@link GatewayDatabase#migrate()})
     */
    public ApiKeys(GatewayDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** A key just created: the stored key and its plaintext, shown to its creator once. */
    public record CreatedKey(ApiKey key, String plaintext) {
    }

    /**
     * Creates a key.
     *
     * @param tenant the tenant it is bound to, or {@link Principal#ALL_TENANTS}
     * @param roles  its roles, at least one
     * @param name   what it is for
     * @return the key and its plaintext, which is not stored anywhere
     * @throws IllegalArgumentException for a blank or too long tenant or name, or no roles
     */
    public CreatedKey create(String tenant, Set<Role> roles, String name) {
        return insert(tenant, roles, name, false);
    }

    /**
     * The bootstrap admin key ({@code gl local up}): the key in {@code keyFile} while it still authenticates as an
     * admin of every tenant, else a new one, written to {@code keyFile} (owner-only permissions where the file
     * system has them), with every earlier bootstrap key revoked.
     *
     * @param keyFile where the plaintext is kept between starts
     * @return the plaintext key
     */
    public String bootstrapAdmin(Path keyFile) {
        if (Files.isRegularFile(keyFile)) {
            try {
                String previous = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
                Optional<ApiKey> key = verify(previous);
                if (key.isPresent() && key.get().tenant().equals(Principal.ALL_TENANTS)
                        && key.get().roles().contains(Role.ADMIN)) {
                    return previous;
                }
            } catch (IOException e) {
                LOG.warn("Cannot read the bootstrap key file {}; creating a new bootstrap key", keyFile, e);
            }
        }
        revokeBootstrapKeys();
        CreatedKey created = insert(Principal.ALL_TENANTS, Set.of(Role.ADMIN), BOOTSTRAP_NAME, true);
        try {
            Path parent = keyFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(keyFile);
            if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------")));
            }
            Files.writeString(keyFile, created.plaintext() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the bootstrap key to " + keyFile, e);
        }
        LOG.info("Created bootstrap admin key {} (kept in {})", created.key().id(), keyFile);
        return created.plaintext();
    }

    /**
     * The key a request presents, if it is well formed, known, not revoked and its secret matches.
     *
     * @param presented the plaintext key
     * @return the key, or empty for any key that does not authenticate
     */
    public Optional<ApiKey> verify(String presented) {
        Matcher matcher = presented == null ? null : FORMAT.matcher(presented.trim());
        if (matcher == null || !matcher.matches()) {
            return Optional.empty();
        }
        String id = matcher.group(1);
        Optional<Stored> stored = byId.get(id, this::load);
        if (stored.isEmpty() || stored.get().key().revoked()
                || !MessageDigest.isEqual(stored.get().secretSha256(), sha256(matcher.group(2)))) {
            return Optional.empty();
        }
        touch(id);
        return Optional.of(stored.get().key());
    }

    /** Whether a value has the shape of a key ({@code glk_<16 hex>_<43 base64url>}), without looking it up. */
    public static boolean wellFormed(String presented) {
        return presented != null && FORMAT.matcher(presented.trim()).matches();
    }

    /**
     * One key, revoked or not.
     *
     * @param id the key id
     * @return the key, empty when unknown
     */
    public Optional<ApiKey> find(String id) {
        return load(id).map(Stored::key);
    }

    /**
     * Keys in creation order, revoked ones included.
     *
     * @param tenant only the keys of this tenant, or null for every key
     * @return the keys
     */
    public List<ApiKey> list(String tenant) {
        String sql = "SELECT " + COLUMNS + " FROM " + database.table("api_keys")
                + (tenant == null ? "" : " WHERE tenant_id = ?") + " ORDER BY created_at, key_id";
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            if (tenant != null) {
                select.setString(1, tenant);
            }
            List<ApiKey> keys = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(read(rows).key());
                }
            }
            return keys;
        } catch (SQLException e) {
            throw databaseFailure("list API keys", e);
        }
    }

    /**
     * Revokes a key; it stops authenticating on this instance at once and on others within {@link #CACHE_TTL}.
     * Revoking a revoked key changes nothing.
     *
     * @param id the key id
     * @return the key as revoked, empty when unknown
     */
    public Optional<ApiKey> revoke(String id) {
        String sql = "UPDATE " + database.table("api_keys") + " SET revoked_at = now()"
                + " WHERE key_id = ? AND revoked_at IS NULL";
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw databaseFailure("revoke API key " + id, e);
        } finally {
            byId.invalidate(id);
        }
        Optional<ApiKey> key = find(id);
        key.ifPresent(k -> LOG.info("Revoked API key {} of tenant {}", k.id(), k.tenant()));
        return key;
    }

    // ------------------------------------------------------------------ internals

    private record Stored(ApiKey key, byte[] secretSha256) {
    }

    private CreatedKey insert(String tenant, Set<Role> roles, String name, boolean bootstrap) {
        if (tenant == null || tenant.isBlank() || tenant.length() > MAX_TENANT_LENGTH) {
            throw new IllegalArgumentException("A key's tenant is 1 to " + MAX_TENANT_LENGTH + " characters");
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("A key's name is 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("A key has at least one role");
        }
        byte[] idBytes = new byte[8];
        byte[] secretBytes = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secretBytes);
        String id = HexFormat.of().formatHex(idBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        String sql = "INSERT INTO " + database.table("api_keys")
                + " (key_id, secret_sha256, tenant_id, roles, name, bootstrap) VALUES (?, ?, ?, ?, ?, ?)"
                + " RETURNING " + COLUMNS;
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, id);
            insert.setString(2, HexFormat.of().formatHex(sha256(secret)));
            insert.setString(3, tenant);
            insert.setArray(4, connection.createArrayOf("text", EnumSet.copyOf(roles).stream()
                    .map(role -> role.name().toLowerCase(Locale.ROOT)).toArray()));
            insert.setString(5, name);
            insert.setBoolean(6, bootstrap);
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                ApiKey key = read(row).key();
                byId.invalidate(id);
                LOG.info("Created API key {} ({}) for tenant {} with roles {}", id, name, tenant, key.roleNames());
                return new CreatedKey(key, PREFIX + id + "_" + secret);
            }
        } catch (SQLException e) {
            throw databaseFailure("create an API key", e);
        }
    }

    private void revokeBootstrapKeys() {
        String sql = "UPDATE " + database.table("api_keys") + " SET revoked_at = now()"
                + " WHERE bootstrap AND revoked_at IS NULL RETURNING key_id";
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(sql);
             ResultSet revoked = update.executeQuery()) {
            while (revoked.next()) {
                byId.invalidate(revoked.getString(1));
                LOG.info("Revoked the earlier bootstrap admin key {}", revoked.getString(1));
            }
        } catch (SQLException e) {
            throw databaseFailure("revoke earlier bootstrap keys", e);
        }
    }

    private Optional<Stored> load(String id) {
        String sql = "SELECT " + COLUMNS + " FROM " + database.table("api_keys") + " WHERE key_id = ?";
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw databaseFailure("read API key " + id, e);
        }
    }

    /** Records the use, at most once per {@link #LAST_USED_RESOLUTION} per key and instance. */
    private void touch(String id) {
        if (recentlyUsed.asMap().putIfAbsent(id, Boolean.TRUE) != null) {
            return;
        }
        String sql = "UPDATE " + database.table("api_keys") + " SET last_used_at = now() WHERE key_id = ?";
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, id);
            update.executeUpdate();
        } catch (SQLException e) {
            // last_used_at is informative: a failed update must not fail the request it describes
            LOG.warn("Cannot record the use of API key {}: {}", id, e.getMessage());
        }
    }

    private static Stored read(ResultSet row) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Array array = row.getArray("roles");
        for (Object name : (Object[]) array.getArray()) {
            roles.add(Role.parse((String) name));
        }
        ApiKey key = new ApiKey(row.getString("key_id"), row.getString("tenant_id"), roles, row.getString("name"),
                instant(row.getTimestamp("created_at")), instant(row.getTimestamp("revoked_at")),
                instant(row.getTimestamp("last_used_at")));
        return new Stored(key, HexFormat.of().parseHex(row.getString("secret_sha256")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static GreenLangException databaseFailure(String what, SQLException e) {
        return new GreenLangException(ErrorCode.DB_CONNECTION, "Cannot " + what + ": " + e.getMessage(), e);
    }
}
