package io.greenlang.common.config;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * {@link ConfigDef.Validator}s that Kafka does not ship and that GreenLang settings need: URLs, Kubernetes
 * resource quantities and the PostgreSQL URL of {@code GL_AUDIT_DB_URL}.
 *
 * <p>Each validator's {@code toString()} is what the generated reference shows in its "valid values" column
 * and what a start-up error quotes as the allowed values, so it must read as a description for an operator.
 * A validator must never echo a {@link Password} value in an error message.
 */
public final class ConfigValidators {

    private static final Pattern CPU_QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
    private static final Pattern MEMORY_QUANTITY =
            Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");

    private ConfigValidators() {
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host.
     *
     * @param allowEmpty whether the empty string (meaning "not set") is accepted
     * @return the validator
     */
    public static ConfigDef.Validator httpUrl(boolean allowEmpty) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = value == null ? "" : value.toString().trim();
                if (text.isEmpty()) {
                    if (allowEmpty) {
                        return;
                    }
                    throw new ConfigException(name, value, "must be an http(s) URL");
                }
                try {
                    URI uri = new URI(text);
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                        throw new ConfigException(name, value, "must be an absolute http(s) URL with a host");
                    }
                } catch (URISyntaxException e) {
                    throw new ConfigException(name, value, "is not a valid URL: " + e.getReason());
                }
            }

            @Override
            public String toString() {
                return allowEmpty ? "empty, or an http(s) URL" : "an http(s) URL";
            }
        };
    }

    /**
     * A Kubernetes CPU quantity greater than zero: whole or decimal cores ({@code 1}, {@code 0.5}) or
     * millicores ({@code 500m}).
     *
     * @return the validator
     */
    public static ConfigDef.Validator cpuQuantity() {
        return quantity(CPU_QUANTITY, "a Kubernetes CPU quantity > 0, e.g. 1, 0.5, 500m");
    }

    /**
     * A Kubernetes memory quantity greater than zero: bytes, or a number with a binary ({@code Ki Mi Gi Ti Pi
     * Ei}) or decimal ({@code k M G T P E}) suffix, e.g. {@code 2Gi}, {@code 512Mi}.
     *
     * @return the validator
     */
    public static ConfigDef.Validator memoryQuantity() {
        return quantity(MEMORY_QUANTITY, "a Kubernetes memory quantity > 0, e.g. 2Gi, 512Mi, 1G");
    }

    private static ConfigDef.Validator quantity(Pattern pattern, String description) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = value == null ? "" : value.toString().trim();
                Matcher m = pattern.matcher(text);
                if (!m.matches() || new BigDecimal(m.group(1)).signum() <= 0) {
                    throw new ConfigException(name, value, "must be " + description);
                }
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /**
     * An optional PostgreSQL URL: {@code jdbc:postgresql://host[:port]/db}, or the URI forms
     * {@code postgresql://[user[:password]@]host[:port]/db} and {@code postgresql+asyncpg://...} (the form the
     * runbook shows). The value is a {@link Password} because the URI forms may carry credentials; error
     * messages therefore never include it.
     *
     * @return the validator
     */
    public static ConfigDef.Validator postgresUrl() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return;
                }
                String text = value instanceof Password p ? p.value() : value.toString();
                if (text.isBlank()) {
                    return;
                }
                try {
                    PostgresConnection.parseUrl(text.trim());
                } catch (IllegalArgumentException e) {
                    // The value is deliberately not quoted: it may contain a password.
                    throw new ConfigException(name, Password.HIDDEN, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "empty, jdbc:postgresql://host[:port]/db, postgresql://[user[:password]@]host[:port]/db"
                        + " or postgresql+asyncpg://...";
            }
        };
    }
}
