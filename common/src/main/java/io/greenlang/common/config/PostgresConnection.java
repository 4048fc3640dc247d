package io.greenlang.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the PostgreSQL audit store, resolved from {@code GL_AUDIT_DB_URL} or the {@code GL_POSTGRES_*}
 * settings: a JDBC URL, a user, a password and pool sizes.
 *
 * <p>The password is a Kafka {@link Password}, whose {@code toString()} is {@code [hidden]}; this record must
 * never be logged with the password's {@link Password#value()}.
 *
 * @param jdbcUrl     {@code jdbc:postgresql://host:port/database}
 * @param user        the database user
 * @param password    the password, {@link Password} with an empty value when none is configured
 * @param poolSize    connections kept in the pool ({@code GL_POSTGRES_POOL_SIZE})
 * @param maxOverflow extra connections allowed above the pool size ({@code GL_POSTGRES_MAX_OVERFLOW})
 */
public record PostgresConnection(String jdbcUrl, String user, Password password, int poolSize, int maxOverflow) {

    /** Validates the components. */
    public PostgresConnection {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The largest number of connections a pool may open: pool size plus overflow. */
    public int maxConnections() {
        return poolSize + maxOverflow;
    }

    /**
     * The pieces of a PostgreSQL URL.
     *
     * @param jdbcUrl  the JDBC URL to use
     * @param user     the user from the URL's user-info, if any
     * @param password the password from the URL's user-info, if any
     */
    record ParsedUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
    }

    /**
     * Parses one of the accepted URL forms (see {@link ConfigValidators#postgresUrl()}).
     *
     * @throws IllegalArgumentException with a message that never contains the URL (it may hold a password)
     */
    static ParsedUrl parseUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            if (!url.startsWith("jdbc:postgresql://") || url.length() == "jdbc:postgresql://".length()) {
                throw new IllegalArgumentException("a JDBC URL must look like jdbc:postgresql://host[:port]/database");
            }
            return new ParsedUrl(url, Optional.empty(), Optional.empty());
        }
        if (!(url.startsWith("postgresql://") || url.startsWith("postgresql+asyncpg://")
                || url.startsWith("postgres://"))) {
            throw new IllegalArgumentException(
                    "must start with jdbc:postgresql://, postgresql://, postgres:// or postgresql+asyncpg://");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URI (" + e.getReason() + ")");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("has no host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() <= 1) {
            throw new IllegalArgumentException("has no database name (postgresql://host:port/database)");
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(path);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            }
        }
        return new ParsedUrl(jdbc.toString(), user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
